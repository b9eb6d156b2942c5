/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Moved to conf/xml-strict.h (it serves network, interface and storage).
 * Kept only so branches still including the old path build; remove once
 * nothing includes it.
 */
#pragma once

#include "conf/xml-strict.h"
