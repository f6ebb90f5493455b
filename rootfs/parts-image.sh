#!/bin/sh
# A small image with a GPT partition table and three empty partitions, for
# the loop partition-scan tests in the guests: this machine's kernel has no
# partition tables, the boards' kernels do.
#
# usage: parts-image.sh OUT.img
set -eu
img=$1

rm -f "$img"
truncate -s 16M "$img"
printf '%s\n' 'label: gpt' \
	'start=2048, size=8192, name=one' \
	'start=10240, size=8192, name=two' \
	'start=18432, size=8192, name=three' | sfdisk -q "$img" >/dev/null
