#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The packed test guest carries a valid Linux boot protocol header."""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import guestlib  # noqa: E402


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else guestlib.image_path()
    data = open(path, 'rb').read()
    h = guestlib.parse_setup_header(data)
    checks = [
        ('boot_flag', h['boot_flag'] == 0xAA55),
        ('header magic', h['header'] == b'HdrS'),
        ('version 2.15', h['version'] == 0x020F),
        ('setup_sects', 1 <= h['setup_sects'] <= 64),
        ('setup jump', data[0x200] == 0xEB and 0x26C <= 0x202 + data[0x201] < h['setup_size']),
        ('LOADED_HIGH', h['loadflags'] & 0x01),
        ('code32_start', h['code32_start'] == 0x100000),
        ('XLF_KERNEL_64', h['xloadflags'] & 0x01),
        ('not loadable above 4G (not relocatable)', not h['xloadflags'] & 0x02),
        ('relocatable_kernel 0', h['relocatable_kernel'] == 0),
        ('pref_address', h['pref_address'] == 0x100000),
        ('kernel_alignment', h['kernel_alignment'] in (0x1000, 0x200000)),
        ('cmdline_size', h['cmdline_size'] >= 255),
        ('syssize', h['syssize'] * 16 == h['payload_size']),
        ('init_size covers the payload', h['init_size'] >= h['payload_size'] and
         h['init_size'] % 4096 == 0),
        ('init_size small', h['init_size'] <= 1 << 20),
        ('kernel_version string', h['kernel_version_str'].startswith('virtkvm-test-guest ')),
    ]
    payload = data[h['setup_size']:]
    # Both entries start with cli.
    checks.append(('32-bit entry', payload[0] == 0xFA))
    checks.append(('64-bit entry at 0x200 (cli first)', payload[0x200] == 0xFA))
    # Real-mode setup code starts with cli; cld.
    jmp_target = 0x202 + data[0x201]
    checks.append(('setup code', data[jmp_target:jmp_target + 2] == b'\xfa\xfc'))
    # The boot sector area before the header carries nothing a loader reads.
    checks.append(('e820 count zero in the image', data[0x1E8] == 0))
    checks.append(('cmd_line_ptr zero in the image',
                   struct.unpack_from('<I', data, 0x228)[0] == 0))

    failed = [name for name, ok in checks if not ok]
    for name, ok in checks:
        print('%s: %s' % ('ok' if ok else 'FAIL', name))
    print('header: %r' % {k: v for k, v in h.items() if k != 'header'})
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
