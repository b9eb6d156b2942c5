#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs rpcgen (-h or -c) on a .x file and makes the output independent of
where the build runs: the generated C file includes its header by the
project path daemon/protocol/NAME.h.

Usage: rpcgen-wrap.py RPCGEN -h|-c INPUT.x OUTPUT
"""
import os
import re
import subprocess
import sys

rpcgen, mode, src, out = sys.argv[1:5]
name = os.path.splitext(os.path.basename(src))[0]
text = subprocess.run([rpcgen, mode, src], check=True, capture_output=True,
                      text=True).stdout
if mode == '-c':
    text = re.sub(r'#include ".*%s\.h"' % re.escape(name),
                  '#include "daemon/protocol/%s.h"' % name, text, count=1)
with open(out, 'w') as f:
    f.write(text)
