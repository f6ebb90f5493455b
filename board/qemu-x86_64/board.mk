# QEMU x86_64 (q35-less default PC), Debian amd64 kernel booted as a PVH ELF.
ARCH = x86_64
DEB_ARCH = amd64
BOARD_CC = musl-gcc
UL_HOST =
KHDR_INC = /usr/include
KHDR_ASM = /usr/include/x86_64-linux-gnu/asm
QEMU_USER =

KERNEL_META = linux-image-amd64
KERNEL_SUFFIX =
KERNEL_FORMAT = vmlinux

# The board's own kernel (make kernel, KERNEL=tree): kernel.config here,
# built natively; QEMU boots the uncompressed vmlinux through PVH.
KARCH = x86_64
KCROSS =
KIMAGE = vmlinux

QEMU = qemu-system-x86_64
QEMU_ARGS = -accel tcg -m 512 -nodefaults -nographic -no-reboot
CONSOLE = ttyS0
KERNEL_CMDLINE = console=ttyS0 panic=-1 root=/dev/vda loop=/images/root.img rw
