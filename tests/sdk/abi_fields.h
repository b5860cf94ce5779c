/*
 * The ABI 1.3 layout (1.0 plus the fields marked "1.1", "1.2" and "1.3"), field by field, with the
 * offsets and sizes it has on LP64 platforms (x86_64, aarch64). Shared by the C and the C++ side of
 * the layout test. Fields may only ever be appended: a change to any line below is an ABI break
 * (docs/plugins.md, "ABI rules").
 */
#ifndef HERALD_TEST_ABI_FIELDS_H
#define HERALD_TEST_ABI_FIELDS_H

#define HERALD_ABI_STRUCTS(X) \
  X(herald_contact, 112)      \
  X(herald_batch, 72)         \
  X(herald_outcome, 56)       \
  X(herald_host_api, 240)     \
  X(herald_step_type, 88)     \
  X(herald_plugin, 96)

#define HERALD_ABI_FIELDS(X)                              \
  X(herald_contact, struct_size, 0)                       \
  X(herald_contact, id, 8)                                \
  X(herald_contact, external_id, 16)                      \
  X(herald_contact, email, 24)                            \
  X(herald_contact, phone, 32)                            \
  X(herald_contact, timezone, 40)                         \
  X(herald_contact, locale, 48)                           \
  X(herald_contact, first_name, 56)                       \
  X(herald_contact, last_name, 64)                        \
  X(herald_contact, attributes_json, 72)                  \
  X(herald_contact, tags_json, 80)                        \
  X(herald_contact, vars_json, 88)                        \
  X(herald_contact, config_json, 96)                      \
  X(herald_contact, delivery_key, 104)                    \
  X(herald_batch, struct_size, 0)                         \
  X(herald_batch, run_id, 8)                              \
  X(herald_batch, workflow, 16)                           \
  X(herald_batch, revision, 24)                           \
  X(herald_batch, step_id, 32)                            \
  X(herald_batch, now_ms, 40)                             \
  X(herald_batch, dry_run, 48)                            \
  X(herald_batch, count, 56)                              \
  X(herald_batch, contacts, 64)                           \
  X(herald_outcome, struct_size, 0)                       \
  X(herald_outcome, kind, 8)                              \
  X(herald_outcome, branch, 16)                           \
  X(herald_outcome, wait_until_ms, 24)                    \
  X(herald_outcome, reason, 32)                           \
  X(herald_outcome, vars_json, 40)                        \
  X(herald_outcome, retry_after_ms, 48) /* 1.3 */         \
  X(herald_host_api, struct_size, 0)                      \
  X(herald_host_api, abi_major, 8)                        \
  X(herald_host_api, abi_minor, 12)                       \
  X(herald_host_api, log, 16)                             \
  X(herald_host_api, diagnostic, 24)                      \
  X(herald_host_api, kv_get, 32)                          \
  X(herald_host_api, kv_put, 40)                          \
  X(herald_host_api, kv_delete, 48)                       \
  X(herald_host_api, free, 56)                            \
  X(herald_host_api, counter_add, 64)                     \
  X(herald_host_api, gauge_set, 72)                       \
  X(herald_host_api, complete, 80)                        \
  X(herald_host_api, preview, 88)                         \
  X(herald_host_api, call_step, 96)                       \
  X(herald_host_api, plugin_settings_json, 104)           \
  X(herald_host_api, segment_match, 112)        /* 1.1 */ \
  X(herald_host_api, recommend, 120)            /* 1.2 */ \
  X(herald_host_api, plugin_ctx, 128)           /* 1.3 */ \
  X(herald_host_api, plugin_state, 136)         /* 1.3 */ \
  X(herald_host_api, plugin_log, 144)           /* 1.3 */ \
  X(herald_host_api, http_request, 152)         /* 1.3 */ \
  X(herald_host_api, smtp_send, 160)            /* 1.3 */ \
  X(herald_host_api, timer_start, 168)          /* 1.3 */ \
  X(herald_host_api, timer_cancel, 176)         /* 1.3 */ \
  X(herald_host_api, permit_acquire, 184)       /* 1.3 */ \
  X(herald_host_api, sign_link, 192)            /* 1.3 */ \
  X(herald_host_api, record_event, 200)         /* 1.3 */ \
  X(herald_host_api, suppress, 208)             /* 1.3 */ \
  X(herald_host_api, webhook_reply, 216)        /* 1.3 */ \
  X(herald_host_api, webhook_reply_header, 224) /* 1.3 */ \
  X(herald_host_api, set_consent, 232)          /* 1.3 */ \
  X(herald_step_type, struct_size, 0)                     \
  X(herald_step_type, name, 8)                            \
  X(herald_step_type, summary, 16)                        \
  X(herald_step_type, config_schema, 24)                  \
  X(herald_step_type, flags, 32)                          \
  X(herald_step_type, channel, 40)                        \
  X(herald_step_type, create, 48)                         \
  X(herald_step_type, destroy, 56)                        \
  X(herald_step_type, run_batch, 64)                      \
  X(herald_step_type, branches, 72) /* 1.1 */             \
  X(herald_step_type, cancel, 80)   /* 1.3 */             \
  X(herald_plugin, struct_size, 0)                        \
  X(herald_plugin, abi_major, 8)                          \
  X(herald_plugin, abi_minor, 12)                         \
  X(herald_plugin, name, 16)                              \
  X(herald_plugin, version, 24)                           \
  X(herald_plugin, description, 32)                       \
  X(herald_plugin, step_type_count, 40)                   \
  X(herald_plugin, step_types, 48)                        \
  X(herald_plugin, config_schema, 56) /* 1.3 */           \
  X(herald_plugin, init, 64)          /* 1.3 */           \
  X(herald_plugin, shutdown, 72)      /* 1.3 */           \
  X(herald_plugin, webhook_count, 80) /* 1.3 */           \
  X(herald_plugin, webhooks, 88)      /* 1.3 */

#endif
