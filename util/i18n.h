/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Translation macros: every user-visible string goes through _() or N_(). */
#pragma once

#include <glib/gi18n-lib.h>

/* Binds the message catalogue; call once from each program's main(). */
void i18n_init(void);
