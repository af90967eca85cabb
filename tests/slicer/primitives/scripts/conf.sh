#!/bin/sh
# The test VNF's configuration script: "conf.sh PRIMITIVE NAME=VALUE...".
# It prints what it was given; "fail-me" exits with the code asked for;
# "sleep" sleeps; "touch" writes a file in /tmp named after the VDU's
# namespace so that the test can see where it ran.
prim=$1
shift
echo "primitive=$prim args=$* vdu=$SLICER_VDU_ID/$SLICER_VDU_COUNT_INDEX member=$SLICER_VNF_MEMBER_INDEX mgmt=$SLICER_MGMT_IP uid=$(id -u)"
case $prim in
fail-me)
    echo "failing on purpose with $SLICER_PARAM_CODE" >&2
    exit "$SLICER_PARAM_CODE" ;;
sleep)
    sleep "$SLICER_PARAM_SECONDS" ;;
whoami)
    ip -o -4 addr show eth0 | awk '{print $4}' ;;
fds)
    # what this shell has open beyond stdin, stdout and stderr
    ls -l "/proc/$$/fd" | awk '$9 > 2 {print "fd " $9 ": " $11}' ;;
esac
