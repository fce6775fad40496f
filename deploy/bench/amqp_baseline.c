/*
 * BM3 baseline: the same work as Tests/Benchmarks/AMQPBenchmark, written directly against librabbitmq 0.11,
 * so the Swift wrapper's overhead can be read as a ratio measured in the same run.
 *
 *   amqp_baseline HOST PORT USER PASSWORD VHOST publish WINDOW COUNT
 *   amqp_baseline HOST PORT USER PASSWORD VHOST consume PREFETCH COUNT
 *
 * publish: 1 KiB persistent mandatory messages to a fresh durable classic queue with publisher confirms,
 *          at most WINDOW unconfirmed (acks honour `multiple`); timed from connect to the last confirm.
 * consume: fills a fresh durable classic queue with COUNT such messages (untimed), then consumes them with
 *          manual acks (one basic.ack per message) at prefetch PREFETCH; timed from connect to the last ack.
 * Prints "RESULT <messages per second>". Exits non-zero on any protocol error (a return, a nack, a close).
 */
#include <amqp.h>
#include <amqp_framing.h>
#include <amqp_tcp_socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die_on_reply(amqp_rpc_reply_t reply, const char *what) {
    if (reply.reply_type == AMQP_RESPONSE_NORMAL) return;
    fprintf(stderr, "amqp_baseline: %s failed (reply type %d, library error %s)\n", what, reply.reply_type,
            reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION ? amqp_error_string2(reply.library_error) : "-");
    exit(1);
}

static amqp_connection_state_t connect_to(const char *host, int port, const char *user, const char *password,
                                          const char *vhost) {
    amqp_connection_state_t conn = amqp_new_connection();
    amqp_socket_t *socket = amqp_tcp_socket_new(conn);
    struct timeval timeout = {5, 0};
    if (amqp_socket_open_noblock(socket, host, port, &timeout) != AMQP_STATUS_OK) {
        fprintf(stderr, "amqp_baseline: cannot connect to %s:%d\n", host, port);
        exit(1);
    }
    die_on_reply(amqp_login(conn, vhost, 0, 131072, 30, AMQP_SASL_METHOD_PLAIN, user, password), "login");
    amqp_channel_open(conn, 1);
    die_on_reply(amqp_get_rpc_reply(conn), "channel.open");
    return conn;
}

static void declare_queue(amqp_connection_state_t conn, const char *queue) {
    amqp_queue_declare(conn, 1, amqp_cstring_bytes(queue), 0, 1, 0, 0, amqp_empty_table);
    die_on_reply(amqp_get_rpc_reply(conn), "queue.declare");
}

static void close_connection(amqp_connection_state_t conn) {
    amqp_channel_close(conn, 1, AMQP_REPLY_SUCCESS);
    amqp_connection_close(conn, AMQP_REPLY_SUCCESS);
    amqp_destroy_connection(conn);
}

/* Publishes COUNT messages with at most WINDOW unconfirmed; returns after the last confirm. */
static void publish_all(amqp_connection_state_t conn, const char *queue, long window, long count) {
    static char body[1024];
    memset(body, 'x', sizeof body);
    amqp_confirm_select(conn, 1);
    die_on_reply(amqp_get_rpc_reply(conn), "confirm.select");
    uint64_t next_tag = 1, confirmed_up_to = 0;
    long outstanding = 0, sent = 0;
    char message_id[64];
    while (sent < count || outstanding > 0) {
        while (sent < count && outstanding < window) {
            amqp_basic_properties_t props;
            memset(&props, 0, sizeof props);
            snprintf(message_id, sizeof message_id, "c-%ld", sent);
            props._flags = AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_MESSAGE_ID_FLAG;
            props.content_type = amqp_cstring_bytes("application/json");
            props.delivery_mode = 2;
            props.message_id = amqp_cstring_bytes(message_id);
            amqp_bytes_t payload = {sizeof body, body};
            int status = amqp_basic_publish(conn, 1, amqp_cstring_bytes(""), amqp_cstring_bytes(queue), 1, 0, &props,
                                            payload);
            if (status != AMQP_STATUS_OK) {
                fprintf(stderr, "amqp_baseline: publish failed: %s\n", amqp_error_string2(status));
                exit(1);
            }
            sent++;
            outstanding++;
            next_tag++;
        }
        amqp_frame_t frame;
        struct timeval timeout = {30, 0};
        amqp_maybe_release_buffers(conn);
        int status = amqp_simple_wait_frame_noblock(conn, &frame, &timeout);
        if (status != AMQP_STATUS_OK) {
            fprintf(stderr, "amqp_baseline: waiting for confirms: %s\n", amqp_error_string2(status));
            exit(1);
        }
        if (frame.frame_type != AMQP_FRAME_METHOD) continue;
        if (frame.payload.method.id == AMQP_BASIC_ACK_METHOD) {
            amqp_basic_ack_t *ack = frame.payload.method.decoded;
            if (ack->multiple) {
                outstanding -= (long)(ack->delivery_tag - confirmed_up_to);
                confirmed_up_to = ack->delivery_tag;
            } else {
                /* Acks arrive in order on a single classic queue; count one. */
                outstanding -= 1;
                confirmed_up_to = ack->delivery_tag;
            }
        } else {
            fprintf(stderr, "amqp_baseline: unexpected method %s while waiting for confirms\n",
                    amqp_method_name(frame.payload.method.id));
            exit(1);
        }
    }
}

int main(int argc, char **argv) {
    if (argc != 9) {
        fprintf(stderr, "usage: %s HOST PORT USER PASSWORD VHOST publish|consume WINDOW|PREFETCH COUNT\n", argv[0]);
        return 2;
    }
    const char *host = argv[1], *user = argv[3], *password = argv[4], *vhost = argv[5], *mode = argv[6];
    int port = atoi(argv[2]);
    long param = atol(argv[7]), count = atol(argv[8]);
    if (port <= 0 || param <= 0 || count <= 0) {
        fprintf(stderr, "amqp_baseline: PORT, WINDOW/PREFETCH and COUNT must be positive numbers\n");
        return 2;
    }
    char queue[64];
    snprintf(queue, sizeof queue, "bench.c.%d", (int)getpid());
    double seconds;

    if (strcmp(mode, "publish") == 0) {
        double start = now_seconds();
        amqp_connection_state_t conn = connect_to(host, port, user, password, vhost);
        declare_queue(conn, queue);
        publish_all(conn, queue, param, count);
        seconds = now_seconds() - start;
        amqp_queue_delete(conn, 1, amqp_cstring_bytes(queue), 0, 0);
        close_connection(conn);
    } else if (strcmp(mode, "consume") == 0) {
        amqp_connection_state_t filler = connect_to(host, port, user, password, vhost);
        declare_queue(filler, queue);
        publish_all(filler, queue, 1000, count);
        close_connection(filler);

        double start = now_seconds();
        amqp_connection_state_t conn = connect_to(host, port, user, password, vhost);
        amqp_basic_qos(conn, 1, 0, (uint16_t)param, 0);
        die_on_reply(amqp_get_rpc_reply(conn), "basic.qos");
        amqp_basic_consume(conn, 1, amqp_cstring_bytes(queue), amqp_empty_bytes, 0, 0, 0, amqp_empty_table);
        die_on_reply(amqp_get_rpc_reply(conn), "basic.consume");
        for (long received = 0; received < count; received++) {
            amqp_envelope_t envelope;
            struct timeval timeout = {30, 0};
            amqp_maybe_release_buffers(conn);
            die_on_reply(amqp_consume_message(conn, &envelope, &timeout, 0), "consume");
            if (amqp_basic_ack(conn, 1, envelope.delivery_tag, 0) != AMQP_STATUS_OK) {
                fprintf(stderr, "amqp_baseline: ack failed\n");
                return 1;
            }
            amqp_destroy_envelope(&envelope);
        }
        seconds = now_seconds() - start;
        amqp_queue_delete(conn, 1, amqp_cstring_bytes(queue), 0, 0);
        close_connection(conn);
    } else {
        fprintf(stderr, "amqp_baseline: mode must be publish or consume, got '%s'\n", mode);
        return 2;
    }
    printf("RESULT %.1f\n", count / seconds);
    return 0;
}
