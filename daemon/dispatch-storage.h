/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* STORAGE_VOL_UPLOAD / STORAGE_VOL_DOWNLOAD handlers (dispatch-storage-stream.c). */
#pragma once

#include "daemon/dispatch.h"

int dispatch_storage_vol_upload(DispatchCall *call, void *argsp, void *retp);
int dispatch_storage_vol_download(DispatchCall *call, void *argsp, void *retp);
