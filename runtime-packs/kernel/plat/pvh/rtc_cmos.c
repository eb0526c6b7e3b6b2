/* rtc_cmos.c - the wall clock at boot from the CMOS RTC (QEMU); 0 where there is none (Firecracker). */
#include <uk/arch.h>
#include <uk/time.h>

static u8 cmos(u8 reg)
{
    uk_outb(0x70, reg);
    return uk_inb(0x71);
}

static u32 bcd(u8 v, bool binary) { return binary ? v : (v & 0xf) + (v >> 4) * 10; }

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static u64 days_from_civil(u32 y, u32 m, u32 d)
{
    y -= m <= 2;
    u32 era = y / 400, yoe = y - era * 400;
    u32 doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    u32 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (u64)era * 146097 + doe - 719468;
}

u64 uk_plat_rtc_seconds(void)
{
    for (int i = 0; i < 100000 && (cmos(0x0a) & 0x80); i++)
        ;
    u8 status_b = cmos(0x0b);
    if (status_b == 0xff)
        return 0;
    bool binary = status_b & 4;
    u32 sec = bcd(cmos(0x00), binary), min = bcd(cmos(0x02), binary);
    u8 hr_raw = cmos(0x04);
    u32 hour = bcd(hr_raw & 0x7f, binary);
    if (!(status_b & 2) && (hr_raw & 0x80))
        hour = (hour % 12) + 12;
    u32 day = bcd(cmos(0x07), binary), mon = bcd(cmos(0x08), binary), year = bcd(cmos(0x09), binary);
    u32 century = bcd(cmos(0x32), binary);
    year += (century >= 19 && century <= 30 ? century : 20) * 100;
    if (mon < 1 || mon > 12 || day < 1 || day > 31)
        return 0;
    return days_from_civil(year, mon, day) * 86400 + hour * 3600 + min * 60 + sec;
}
