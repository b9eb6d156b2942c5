/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The admin program's server hooks (admin socket). */
#pragma once

#include "daemon/server.h"

extern const ServerProgram dispatch_admin_program;
