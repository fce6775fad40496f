// The C surface of librabbitmq 0.11 (Debian bookworm's librabbitmq-dev) as seen from Swift.
// 0.12+ moved the headers to <rabbitmq-c/...>; prefer those when present so an upgrade does not break the build.
#ifndef KILN_CRABBITMQ_SHIM_H
#define KILN_CRABBITMQ_SHIM_H

#if __has_include(<rabbitmq-c/amqp.h>)
#include <rabbitmq-c/amqp.h>
#include <rabbitmq-c/framing.h>
#include <rabbitmq-c/tcp_socket.h>
#else
#include <amqp.h>
#include <amqp_framing.h>
#include <amqp_tcp_socket.h>
#endif

/// `amqp_login` is variadic (the SASL arguments), which Swift cannot call; this fixes it to PLAIN. It also
/// declares the client capability `connection.blocked` (librabbitmq merges it with its own capabilities), so
/// the broker tells this connection when a resource alarm blocks its publishes (`connection.blocked` /
/// `connection.unblocked`) instead of leaving it to find out by silence.
static inline amqp_rpc_reply_t CRabbitMQ_login_plain(amqp_connection_state_t state, const char *vhost,
                                                     int channel_max, int frame_max, int heartbeat,
                                                     const char *user, const char *password) {
    amqp_table_entry_t capability;
    capability.key = amqp_cstring_bytes("connection.blocked");
    capability.value.kind = AMQP_FIELD_KIND_BOOLEAN;
    capability.value.value.boolean = 1;
    amqp_table_entry_t capabilities;
    capabilities.key = amqp_cstring_bytes("capabilities");
    capabilities.value.kind = AMQP_FIELD_KIND_TABLE;
    capabilities.value.value.table.num_entries = 1;
    capabilities.value.value.table.entries = &capability;
    amqp_table_t properties;
    properties.num_entries = 1;
    properties.entries = &capabilities;
    return amqp_login_with_properties(state, vhost, channel_max, frame_max, heartbeat, &properties,
                                      AMQP_SASL_METHOD_PLAIN, user, password);
}

#endif
