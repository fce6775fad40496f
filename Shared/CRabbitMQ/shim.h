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

/// `amqp_login` is variadic (the SASL arguments), which Swift cannot call; this fixes it to PLAIN.
static inline amqp_rpc_reply_t CRabbitMQ_login_plain(amqp_connection_state_t state, const char *vhost,
                                                     int channel_max, int frame_max, int heartbeat,
                                                     const char *user, const char *password) {
    return amqp_login(state, vhost, channel_max, frame_max, heartbeat, AMQP_SASL_METHOD_PLAIN, user, password);
}

#endif
