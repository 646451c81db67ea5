#!/usr/bin/env bash
# Starts the local services the tests talk to when one is not answering on its port. These machines install
# them from Debian's packages and usually start them before a session; a stopped one is started with the same
# command. Tests never skip a service under CI=true, so a service that cannot be started fails the run here,
# with its name, instead of somewhere inside a test.
set -uo pipefail

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

ensure() {
  local name="$1" port="$2"
  shift 2
  listening "$port" && return 0
  echo "ci: $name is not listening on 127.0.0.1:$port; starting it"
  "$@" >/dev/null 2>&1 || true
  for _ in $(seq 1 120); do
    listening "$port" && return 0
    sleep 1
  done
  echo "ci: $name did not start on 127.0.0.1:$port" >&2
  exit 1
}

ensure PostgreSQL 5432 bash -c 'pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start'
ensure NATS 4222 start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- \
  -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log
# RabbitMQ takes several seconds to open its port after it detaches (longer on a busy machine); ensure waits up
# to two minutes for any service.
ensure RabbitMQ 5672 rabbitmq-server -detached
