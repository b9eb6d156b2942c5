/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The "none" driver: always available, confines nothing (last in the probe). */
#include "security/security-driver.h"

static SecurityDriverStatus
nop_probe(const SecurityConfig *cfg)
{
    return SECURITY_DRIVER_ENABLE;
}

static int
nop_open(const SecurityConfig *cfg, void **priv)
{
    *priv = NULL;
    return 0;
}

static const char *
nop_get_doi(void *priv)
{
    return "0";
}

const SecurityDriver security_driver_nop = {
    .name = "none",
    .probe = nop_probe,
    .open = nop_open,
    .get_doi = nop_get_doi,
};
