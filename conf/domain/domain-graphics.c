/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * <graphics>, <video>, <input>, <sound>, <audio>: kept and validated
 * (the VMM has no display yet), with libvirt's defaults filled in.
 */
#include <string.h>

#include "conf/domain/domain-priv.h"

static const char graphics_grammar[] =
    "graphics type=vnc|spice|sdl|rdp|desktop|dbus|egl-headless port=p autoport=yes|no"
    " websocket=p listen passwd passwdValidTo connected=keep|disconnect|fail"
    " sharePolicy=allow-exclusive|force-shared|ignore keymap=w socket=/ tlsPort=p"
    " defaultMode=any|secure|insecure display xauth fullscreen=yes|no\n"
    "  *listen type=address|network|socket|none address=w network=w socket=/ autoport=yes|no\n"
    "  *channel name=main|display|inputs|cursor|playback|record|smartcard|usbredir"
    " mode=any|secure|insecure\n"
    "  image compression=auto_glz|auto_lz|quic|glz|lz|off\n"
    "  jpeg compression=auto|never|always\n"
    "  zlib compression=auto|never|always\n"
    "  playback compression=on|off\n"
    "  streaming mode=filter|all|off\n"
    "  clipboard copypaste=yes|no\n"
    "  mouse mode=server|client\n"
    "  filetransfer enable=yes|no\n"
    "  gl enable=yes|no rendernode\n"
    "  audio id=#\n";

static const char video_grammar[] =
    "video\n"
    "  model type=vga|cirrus|vmvga|xen|vbox|qxl|virtio|gop|none|bochs|ramfb"
    " vram=# ram=# vgamem=# vram64=# heads=# primary=yes|no\n"
    "    acceleration accel3d=yes|no accel2d=yes|no rendernode\n"
    "    resolution x=# y=#\n"
    "  driver name=qemu|vhostuser\n"
    "  address ...\n";

static const char input_grammar[] =
    "input type=tablet|mouse|keyboard bus=ps2|usb|virtio\n"
    "  address ...\n";

static const char sound_grammar[] =
    "sound model=sb16|es1370|pcspk|ac97|ich6|ich7|ich9|usb\n"
    "  *codec type=duplex|micro|output\n"
    "  audio id=#\n"
    "  address ...\n";

static const char audio_grammar[] =
    "audio id=# type=none|alsa|coreaudio|jack|oss|pulseaudio|sdl|spice|file|dbus|pipewire"
    " timerPeriod=# path\n";

const char *
domain_graphics_grammar(DomainGenericKind kind)
{
    switch (kind) {
    case DOMAIN_GENERIC_GRAPHICS: return graphics_grammar;
    case DOMAIN_GENERIC_VIDEO: return video_grammar;
    case DOMAIN_GENERIC_INPUT: return input_grammar;
    case DOMAIN_GENERIC_SOUND: return sound_grammar;
    case DOMAIN_GENERIC_AUDIO: return audio_grammar;
    default: return NULL;
    }
}

static bool
has_attr(xmlNode *n, const char *a)
{
    return xmlHasProp(n, (const xmlChar *) a) != NULL;
}

static void
set_default(xmlNode *n, const char *attr, const char *value)
{
    if (!has_attr(n, attr))
        xmlSetProp(n, (const xmlChar *) attr, (const xmlChar *) value);
}

/* vnc/spice: autoport with port -1, and a <listen> element as libvirt
 * always reports one. */
static void
graphics_add_listen(xmlNode *g, const char *type, const char *attr, const char *value)
{
    xmlNode *l = xmlNewNode(NULL, (const xmlChar *) "listen");

    xmlSetProp(l, (const xmlChar *) "type", (const xmlChar *) type);
    if (value)
        xmlSetProp(l, (const xmlChar *) attr, (const xmlChar *) value);
    if (g->children)
        xmlAddPrevSibling(g->children, l);
    else
        xmlAddChild(g, l);
}

/* The listen= attribute mirrors the first address listener. */
static void
graphics_listen_attr(xmlNode *g)
{
    xmlNode *l = dom_child(g, "listen");
    g_autofree char *type = l ? xml_get_prop(l, "type") : NULL;
    g_autofree char *addr = l ? xml_get_prop(l, "address") : NULL;

    if (g_strcmp0(type, "address") == 0 && addr)
        set_default(g, "listen", addr);
}

/* Attributes in the order libvirt writes them. */
static void
graphics_sort_attrs(xmlNode *g)
{
    static const char *const order[] = {
        "type", "socket", "port", "tlsPort", "autoport", "websocket", "listen", "keymap",
        "defaultMode", "sharePolicy", "passwd", "passwdValidTo", "connected", "display",
        "xauth", "fullscreen",
    };

    for (size_t i = 0; i < G_N_ELEMENTS(order); i++) {
        g_autofree char *v = xml_get_prop(g, order[i]);

        if (!v)
            continue;
        xmlUnsetProp(g, (const xmlChar *) order[i]);
        xmlSetProp(g, (const xmlChar *) order[i], (const xmlChar *) v);
    }
}

/* Port defaults as libvirt reports them: vnc keeps port='-1' with
 * autoport, spice drops the -1 ports; an explicit port means autoport
 * off; a listener is always present. */
static void
graphics_defaults(xmlNode *g)
{
    g_autofree char *type = xml_get_prop(g, "type");
    g_autofree char *port = xml_get_prop(g, "port");
    g_autofree char *tls = xml_get_prop(g, "tlsPort");
    g_autofree char *listen = xml_get_prop(g, "listen");
    g_autofree char *socket = xml_get_prop(g, "socket");
    bool vnc = g_strcmp0(type, "vnc") == 0;
    bool autoport;

    if (!vnc && g_strcmp0(type, "spice") != 0)
        return;
    if (socket) {
        if (!dom_child(g, "listen"))
            graphics_add_listen(g, "socket", "socket", socket);
        return;
    }
    autoport = g_strcmp0(port, "-1") == 0 || g_strcmp0(tls, "-1") == 0 ||
               (vnc && !port);
    if (has_attr(g, "autoport")) {
        g_autofree char *a = xml_get_prop(g, "autoport");
        autoport = strcmp(a, "yes") == 0;
    }
    if (autoport) {
        set_default(g, "autoport", "yes");
        if (vnc) {
            xmlSetProp(g, (const xmlChar *) "port", (const xmlChar *) "-1");
        } else {
            xmlUnsetProp(g, (const xmlChar *) "port");
            xmlUnsetProp(g, (const xmlChar *) "tlsPort");
        }
    } else if (port || tls) {
        set_default(g, "autoport", "no");
    }
    if (!dom_child(g, "listen"))
        graphics_add_listen(g, autoport || port || tls || listen ? "address" : "none",
                            "address", listen);
    graphics_listen_attr(g);
    graphics_sort_attrs(g);
}

static void
video_defaults(xmlNode *v, bool primary)
{
    xmlNode *m = dom_child(v, "model");
    g_autofree char *type = NULL;

    if (!m) {
        m = xmlNewChild(v, NULL, (const xmlChar *) "model", NULL);
        xmlSetProp(m, (const xmlChar *) "type", (const xmlChar *) "vga");
    }
    type = xml_get_prop(m, "type");
    if (!type) {
        xmlSetProp(m, (const xmlChar *) "type", (const xmlChar *) "vga");
        type = g_strdup("vga");
    }
    if (strcmp(type, "none") == 0)
        return;
    if (strcmp(type, "qxl") == 0) {
        set_default(m, "ram", "65536");
        set_default(m, "vram", "65536");
        set_default(m, "vgamem", "16384");
    } else if (strcmp(type, "vga") == 0 || strcmp(type, "cirrus") == 0 ||
               strcmp(type, "vmvga") == 0 || strcmp(type, "bochs") == 0) {
        set_default(m, "vram", "16384");
    }
    set_default(m, "heads", "1");
    if (primary)
        set_default(m, "primary", "yes");
}

static void
input_defaults(xmlNode *in)
{
    g_autofree char *type = xml_get_prop(in, "type");

    if (!has_attr(in, "bus"))
        set_default(in, "bus", g_strcmp0(type, "tablet") == 0 ? "usb" : "ps2");
}

void
domain_graphics_defaults(DomainGenericDev *dev, bool first_video)
{
    switch (dev->kind) {
    case DOMAIN_GENERIC_GRAPHICS:
        graphics_defaults(dev->node);
        break;
    case DOMAIN_GENERIC_VIDEO:
        video_defaults(dev->node, first_video);
        break;
    case DOMAIN_GENERIC_INPUT:
        input_defaults(dev->node);
        break;
    default:
        break;
    }
}
