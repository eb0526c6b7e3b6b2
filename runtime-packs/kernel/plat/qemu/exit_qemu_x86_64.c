/* exit_qemu_x86_64.c - power-off on QEMU: the launcher reads the exit code from the control port, so nothing
 * is printed (see plat/pvh/exit_pvh.c). */
#include <uk/plat.h>

UK_NORETURN void uk_pvh_exit(int code, bool announce);

UK_NORETURN void uk_plat_exit(int code) { uk_pvh_exit(code, false); }
