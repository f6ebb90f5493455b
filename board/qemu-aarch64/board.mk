# QEMU aarch64 virt board, Debian arm64 kernel (unsigned image package).
ARCH = aarch64
DEB_ARCH = arm64
CROSS_COMPILE ?= aarch64-linux-gnu-
BOARD_CC = aarch64-linux-musl-gcc
BOARD_LDFLAGS = -Wl,-z,max-page-size=4096
UL_HOST = aarch64-linux-musl
KHDR_INC = /usr/aarch64-linux-gnu/include
KHDR_ASM = /usr/aarch64-linux-gnu/include/asm
QEMU_USER = qemu-aarch64-static

KERNEL_META = linux-image-arm64
KERNEL_SUFFIX = -unsigned
KERNEL_FORMAT = image

# The board's own kernel (make kernel, KERNEL=tree): kernel.config here,
# cross-built with Debian's aarch64 cross compiler.
KARCH = arm64
KCROSS = aarch64-linux-gnu-
KIMAGE = arch/arm64/boot/Image

# -cpu max is 6x slower under TCG (pointer authentication); cortex-a57 is not.
QEMU = qemu-system-aarch64
QEMU_ARGS = -accel tcg -M virt -cpu cortex-a57 -m 512 -nodefaults -nographic -no-reboot
CONSOLE = ttyAMA0
KERNEL_CMDLINE = console=ttyAMA0 panic=-1 root=/dev/vda loop=/images/root.img rw
