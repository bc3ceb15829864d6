"""A TCP proxy on 127.0.0.1 for the hostile-network tests: forwards every connection to 127.0.0.1:TARGET.
Usage: tcp_proxy.py TARGET_PORT [LISTEN_PORT]. Prints "PORT <n>" once listening, then "CONNECTED" (flushed) each
time a client connection is forwarded, so a test knows a request is under way. Tests kill it with SIGKILL in the
middle of a call and start it again on the same port (SO_REUSEADDR makes that possible at once)."""
import socket
import sys
import threading


def pump(source, sink):
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for sock in (source, sink):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def serve(client, target):
    try:
        upstream = socket.create_connection(("127.0.0.1", target))
    except OSError:
        client.close()
        return
    print("CONNECTED", flush=True)
    threading.Thread(target=pump, args=(client, upstream), daemon=True).start()
    threading.Thread(target=pump, args=(upstream, client), daemon=True).start()


def main():
    target = int(sys.argv[1])
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(16)
    print(f"PORT {listener.getsockname()[1]}", flush=True)
    while True:
        client, _ = listener.accept()
        serve(client, target)


if __name__ == "__main__":
    main()
