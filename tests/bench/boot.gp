# make bench: the boot split of each tool on each layout as stacked bars
# (tests/bench/boot_bench.sh writes the data: label and three medians in ms).
# usage: gnuplot -e "data='chart.dat'; out='boot.png'" boot.gp
set terminal pngcairo size 1700,700 font ",10" noenhanced
set output out
set title "Boot split, medians (x86_64 board, Debian kernel, QEMU TCG)"
set ylabel "ms from kernel start"
set style data histograms
set style histogram rowstacked
set style fill solid 0.85 border -1
set boxwidth 0.7
set key top left
set grid ytics
set xtics scale 0 font ",8"
set bmargin 5
set yrange [0:*]
plot data using 2:xtic(1) title "kernel start → /init", \
     '' using 3 title "/init → switch_root", \
     '' using 4 title "switch_root → root's init"
