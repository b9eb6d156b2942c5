/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* <serial>, <console>, <channel>: pty, file, unix, tcp, ... */
#include <string.h>

#include "conf/domain/domain-priv.h"

#define CHR_GRAMMAR(kind) \
    kind " type=null|vc|pty|dev|file|pipe|stdio|udp|tcp|unix|spicevmc tty\n" \
    "  source path=/ mode=bind|connect host=w service=#0-65535 append=on|off\n" \
    "  protocol type=raw|telnet|telnets|tls\n" \
    "  target type port=# name address state=connected|disconnected\n" \
    "    model name=isa-serial|usb-serial|pci-serial|spapr-vio-serial|system-serial|sclp-serial|16550a\n" \
    "  address ...\n"

static const char *const chr_grammar[DOMAIN_CHR_KIND_LAST] = {
    CHR_GRAMMAR("serial"),
    CHR_GRAMMAR("console"),
    CHR_GRAMMAR("channel"),
};

static const char *const serial_targets[] = {
    "isa-serial", "usb-serial", "pci-serial", "spapr-vio-serial", "system-serial",
    "sclp-serial", NULL };
static const char *const console_targets[] = { "serial", "virtio", NULL };
static const char *const channel_targets[] = { "virtio", "guestfwd", NULL };
static const char *const *const targets_by_kind[DOMAIN_CHR_KIND_LAST] = {
    serial_targets, console_targets, channel_targets,
};

void
domain_chr_free(DomainChrDef *c)
{
    if (!c)
        return;
    g_free(c->path);
    g_free(c->mode);
    g_free(c->host);
    g_free(c->service);
    g_free(c->protocol);
    g_free(c->target_type);
    g_free(c->target_name);
    g_free(c->target_address);
    g_free(c->target_model);
    g_free(c->target_state);
    g_free(c->addr.usb_port);
    g_free(c);
}

/* Which source attributes each backend type takes. */
static bool
chr_source_attr_ok(DomainChrType t, const char *attr)
{
    switch (t) {
    case DOMAIN_CHR_TYPE_PTY:
    case DOMAIN_CHR_TYPE_DEV:
    case DOMAIN_CHR_TYPE_PIPE:
        return strcmp(attr, "path") == 0;
    case DOMAIN_CHR_TYPE_FILE:
        return strcmp(attr, "path") == 0 || strcmp(attr, "append") == 0;
    case DOMAIN_CHR_TYPE_UNIX:
        return strcmp(attr, "path") == 0 || strcmp(attr, "mode") == 0;
    case DOMAIN_CHR_TYPE_TCP:
    case DOMAIN_CHR_TYPE_UDP:
        return strcmp(attr, "mode") == 0 || strcmp(attr, "host") == 0 ||
               strcmp(attr, "service") == 0;
    default:
        return false;
    }
}

static int
chr_parse_source(DomainChrDef *c, xmlNode *src)
{
    if (src) {
        for (xmlAttr *a = src->properties; a; a = a->next) {
            if (!chr_source_attr_ok(c->type, (const char *) a->name)) {
                dom_error(VK_ERR_XML_ERROR,
                          _("attribute '%1$s' of <source> does not fit character device type '%2$s'"),
                          (const char *) a->name, domain_chr_type_to_string(c->type));
                return -1;
            }
        }
        c->path = xml_get_prop(src, "path");
        c->mode = xml_get_prop(src, "mode");
        c->host = xml_get_prop(src, "host");
        c->service = xml_get_prop(src, "service");
        if (dom_prop_bool(src, "append", true, &c->append) < 0)
            return -1;
    }
    if ((c->type == DOMAIN_CHR_TYPE_FILE || c->type == DOMAIN_CHR_TYPE_DEV ||
         c->type == DOMAIN_CHR_TYPE_PIPE) && !c->path) {
        dom_error(VK_ERR_XML_ERROR, _("missing source path for %1$s device"),
                  domain_chr_type_to_string(c->type));
        return -1;
    }
    if ((c->type == DOMAIN_CHR_TYPE_TCP || c->type == DOMAIN_CHR_TYPE_UDP) && !c->service) {
        dom_error(VK_ERR_XML_ERROR, _("missing source service for %1$s device"),
                  domain_chr_type_to_string(c->type));
        return -1;
    }
    return 0;
}

static int
chr_parse_target(DomainChrDef *c, xmlNode *t)
{
    xmlNode *m;

    if (!t) {
        if (c->kind == DOMAIN_CHR_CHANNEL) {
            dom_error(VK_ERR_XML_ERROR, _("missing target for channel"));
            return -1;
        }
        return 0;
    }
    c->target_type = xml_get_prop(t, "type");
    if (c->target_type &&
        !g_strv_contains(targets_by_kind[c->kind], c->target_type)) {
        dom_error(VK_ERR_CONFIG_UNSUPPORTED, _("unsupported %1$s target type '%2$s'"),
                  domain_chr_kind_to_string(c->kind), c->target_type);
        return -1;
    }
    if (dom_prop_int(t, "port", &c->target_port) < 0)
        return -1;
    c->target_name = xml_get_prop(t, "name");
    c->target_address = xml_get_prop(t, "address");
    c->target_state = xml_get_prop(t, "state");
    if ((m = dom_child(t, "model")))
        c->target_model = xml_get_prop(m, "name");
    if (c->kind == DOMAIN_CHR_CHANNEL && !c->target_type) {
        dom_error(VK_ERR_XML_ERROR, _("missing channel target type"));
        return -1;
    }
    return 0;
}

DomainChrDef *
domain_chr_parse(xmlNode *node, DomainChrKind kind)
{
    g_autoptr(DomainChrDef) c = g_new0(DomainChrDef, 1);
    int type = DOMAIN_CHR_TYPE_PTY;
    xmlNode *p;

    c->kind = kind;
    c->target_port = -1;
    c->append = -1;
    if (dom_spec_check(chr_grammar[kind], node, domain_chr_kind_to_string(kind)) < 0 ||
        dom_prop_enum(node, "type", domain_chr_type_from_string, &type) < 0)
        return NULL;
    c->type = type;
    if (chr_parse_source(c, dom_child(node, "source")) < 0 ||
        chr_parse_target(c, dom_child(node, "target")) < 0 ||
        domain_address_parse(node, &c->addr, domain_chr_kind_to_string(kind)) < 0)
        return NULL;
    if ((p = dom_child(node, "protocol"))) {
        if (c->type != DOMAIN_CHR_TYPE_TCP) {
            dom_error(VK_ERR_XML_ERROR, _("<protocol> is only valid for tcp devices"));
            return NULL;
        }
        c->protocol = xml_get_prop(p, "type");
    }
    if (c->type == DOMAIN_CHR_TYPE_SPICEVMC && kind != DOMAIN_CHR_CHANNEL) {
        dom_error(VK_ERR_CONFIG_UNSUPPORTED, _("spicevmc is only valid for channels"));
        return NULL;
    }
    return g_steal_pointer(&c);
}

static void
chr_format_source(xmlNode *dev, const DomainChrDef *c, unsigned int flags)
{
    xmlNode *src;

    if (c->type == DOMAIN_CHR_TYPE_PTY &&
        (!(flags & DOMAIN_DEF_FORMAT_STATUS) || (flags & DOMAIN_DEF_FORMAT_INACTIVE)))
        return;
    if (!c->path && !c->mode && !c->host && !c->service)
        return;
    /* a unix socket without path gets one at start: nothing to keep */
    if (c->type == DOMAIN_CHR_TYPE_UNIX && !c->path)
        return;
    src = dom_add(dev, "source");
    dom_set(src, "mode", c->mode);
    dom_set(src, "host", c->host);
    dom_set(src, "service", c->service);
    dom_set(src, "path", c->path);
    if (c->append >= 0)
        dom_set(src, "append", c->append ? "on" : "off");
}

void
domain_chr_format(xmlNode *devices, const DomainChrDef *c, unsigned int flags)
{
    xmlNode *dev = dom_add(devices, domain_chr_kind_to_string(c->kind));
    xmlNode *t;

    dom_set(dev, "type", domain_chr_type_to_string(c->type));
    if (c->type == DOMAIN_CHR_TYPE_PTY && c->path && (flags & DOMAIN_DEF_FORMAT_STATUS) &&
        !(flags & DOMAIN_DEF_FORMAT_INACTIVE))
        dom_set(dev, "tty", c->path);
    chr_format_source(dev, c, flags);
    if (c->protocol || c->type == DOMAIN_CHR_TYPE_TCP)
        dom_set(dom_add(dev, "protocol"), "type", c->protocol ? c->protocol : "raw");
    if (c->target_type || c->target_port >= 0 || c->target_name || c->target_address ||
        c->target_model) {
        t = dom_add(dev, "target");
        dom_set(t, "type", c->target_type);
        dom_set(t, "address", c->target_address);
        if (c->target_port >= 0)
            dom_set_uint(t, "port", (unsigned) c->target_port);
        dom_set(t, "name", c->target_name);
        if (flags & DOMAIN_DEF_FORMAT_STATUS)
            dom_set(t, "state", c->target_state);
        if (c->target_model)
            dom_set(dom_add(t, "model"), "name", c->target_model);
    }
    domain_address_format(dev, &c->addr);
}
