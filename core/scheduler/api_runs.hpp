#pragma once
// Runs started over the admin API (trigger `api`, or any served workflow by
// hand): an audience (a segment NAME or an inline rule) or a contact list,
// with per-run and per-contact input variables (`input` in templates and
// conditions), or a dry run.
#include "daemon/control.hpp"
#include "daemon/workflow_set.hpp"
#include "scheduler/services.hpp"

namespace herald::scheduler {

// Creates the run and enrols it in one go; problems (bad audience at
// "<audience>:LINE:COL", no contacts given) in the result. Never throws.
daemon::StartResult startApiRun(const Services& s, const daemon::ServedWorkflow& wf,
                                const daemon::StartRequest& request);

}  // namespace herald::scheduler
