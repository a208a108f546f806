//! What runs inside the containers. Each image the lesson uses has a
//! behaviour: how long it takes to listen, what it needs from other Services
//! before it can start, and the log lines it writes on the way.
//!
//! MySQL and Redis come up after a start-up delay; the guestbook service
//! exits when MySQL is unreachable (the start-order lesson); the UI needs
//! Redis; Istio's init container writes iptables rules and exits; the proxy
//! opens pilot-agent's status port at once and Envoy becomes ready shortly after.

use crate::cluster::{Action, Cluster, Key};
use crate::kubelet::ContainerRef;
use crate::objects::Container;
use crate::time::{rfc3339_micros, spring_time, Nanos, MS, SEC};

/// The kind of program a container runs, guessed from its image.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Behaviour {
    MySql,
    Redis,
    HelloWorld,
    GuestbookService,
    GuestbookUi,
    IstioProxy,
    IstioInit,
    ExitZero,
    #[default]
    Generic,
}

/// Something a running program does at a later instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Work {
    /// The program accepts connections (and answers health checks).
    Listen,
    /// Envoy received its configuration and reports ready on 15021.
    EnvoyReady,
    /// The program connects to the Services it depends on.
    CheckDeps,
    /// The process exits with a code.
    Exit(i32),
}

impl Behaviour {
    /// Guess the behaviour from the container's image, name and arguments.
    pub fn classify(c: &Container) -> Behaviour {
        let img = c.image.as_str();
        if img.contains("proxyv2") || img.contains("proxy_init") {
            if c.name == "istio-init"
                || c.name == "istio-validation"
                || c.args.iter().any(|a| a == "istio-iptables")
            {
                return Behaviour::IstioInit;
            }
            return Behaviour::IstioProxy;
        }
        if img.contains("mysql") {
            Behaviour::MySql
        } else if img.contains("redis") {
            Behaviour::Redis
        } else if img.contains("helloworld") {
            Behaviour::HelloWorld
        } else if img.contains("guestbook-service") {
            Behaviour::GuestbookService
        } else if img.contains("guestbook-ui") {
            Behaviour::GuestbookUi
        } else if (img.starts_with("busybox") || img.starts_with("alpine"))
            && c.command.is_empty()
            && c.args.is_empty()
        {
            Behaviour::ExitZero
        } else {
            Behaviour::Generic
        }
    }

    /// Whether the program is a JVM (exits 143 on SIGTERM).
    pub fn is_java(self) -> bool {
        self.spring_app().is_some()
    }

    fn spring_app(self) -> Option<&'static str> {
        match self {
            Behaviour::HelloWorld => Some("c.example.helloworld.Application"),
            Behaviour::GuestbookService => Some("c.example.guestbook.Application"),
            Behaviour::GuestbookUi => Some("c.example.guestbookui.Application"),
            _ => None,
        }
    }
}

fn spring(t: Nanos, level: &str, thread: &str, logger: &str, msg: &str) -> String {
    format!(
        "{} {level:>5} 1 --- [{thread:>15}] {logger:<40} : {msg}\n",
        spring_time(t)
    )
}

fn istio(t: Nanos, level: &str, msg: &str) -> String {
    format!("{}\t{level}\t{msg}\n", rfc3339_micros(t))
}

impl Cluster {
    fn log(&mut self, key: &Key, c: ContainerRef, lines: impl IntoIterator<Item = String>) {
        let p = self.pods.get_mut(key).expect("pod exists");
        let rt = if c.init {
            &mut p.runtime.init[c.idx]
        } else {
            &mut p.runtime.main[c.idx]
        };
        rt.logs.extend(lines);
    }

    fn later(&mut self, key: &Key, c: ContainerRef, run: u32, delay: Nanos, w: Work) {
        let uid = self.pods[key].meta.uid.clone();
        self.schedule(delay, Action::Work(key.clone(), uid, c, run, w));
    }

    fn behaviour(&self, key: &Key, c: ContainerRef) -> Behaviour {
        let p = &self.pods[key];
        if c.init {
            p.runtime.init[c.idx].behaviour
        } else {
            p.runtime.main[c.idx].behaviour
        }
    }

    /// Whether this pod can open a connection to Service `svc` in its namespace:
    /// the Service needs a ready endpoint, and an injected pod's own proxy must be up.
    fn can_reach(&self, key: &Key, svc: &str) -> bool {
        let p = &self.pods[key];
        if p.runtime.injected {
            let proxy_up = p
                .spec
                .containers
                .iter()
                .position(|c| c.name == "istio-proxy")
                .map(|i| p.runtime.main[i].serving)
                .or_else(|| {
                    p.spec
                        .init_containers
                        .iter()
                        .position(|c| c.name == "istio-proxy")
                        .map(|i| p.runtime.init[i].serving)
                })
                .unwrap_or(true);
            if !proxy_up {
                return false;
            }
        }
        self.service_has_ready_endpoints(&key.0, svc)
    }

    /// What the application's health endpoint reports once it serves: the UI is only
    /// healthy while it can reach the guestbook service and Hello World.
    pub(crate) fn app_healthy(&self, key: &Key, c: ContainerRef) -> bool {
        match self.behaviour(key, c) {
            Behaviour::GuestbookUi => {
                self.can_reach(key, "guestbook-service")
                    && self.can_reach(key, "helloworld-service")
            }
            _ => true,
        }
    }

    pub(crate) fn workload_start(&mut self, key: &Key, c: ContainerRef, run: u32) {
        let b = self.behaviour(key, c);
        let t = self.now;
        let pod = key.1.clone();
        let ns = key.0.clone();
        let ip = self.pods[key].status.pod_ip.clone();
        match b {
            Behaviour::MySql => {
                let ts = crate::time::rfc3339(t).replace('T', " ").replace('Z', "");
                self.log(key, c, [
                    format!("{ts}+00:00 [Note] [Entrypoint]: Entrypoint script for MySQL Server 5.6.51-1debian9 started.\n"),
                    format!("{ts}+00:00 [Note] [Entrypoint]: Initializing database files\n"),
                    format!("{ts} 0 [Note] mysqld (mysqld 5.6.51) starting as process 1 ...\n"),
                    format!("{ts} 1 [Note] InnoDB: Using atomics to ref count buffer pool pages\n"),
                    format!("{ts} 1 [Note] InnoDB: Initializing buffer pool, size = 128.0M\n"),
                ]);
                let d = self.rng.range(16_000, 22_000) * MS;
                self.later(key, c, run, d, Work::Listen);
            }
            Behaviour::Redis => {
                let ts = redis_time(t);
                self.log(key, c, [
                    format!("1:C {ts} # oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo\n"),
                    format!("1:C {ts} # Redis version=4.0.2, bits=64, commit=00000000, modified=0, pid=1, just started\n"),
                    format!("1:M {ts} * Running mode=standalone, port=6379.\n"),
                    format!("1:M {ts} # Server initialized\n"),
                ]);
                let d = self.rng.range(400, 900) * MS;
                self.later(key, c, run, d, Work::Listen);
            }
            Behaviour::HelloWorld | Behaviour::GuestbookService | Behaviour::GuestbookUi => {
                let app = b.spring_app().unwrap_or("Application");
                self.log(key, c, [
                    "\n".to_string(),
                    "  .   ____          _            __ _ _\n".to_string(),
                    " /\\\\ / ___'_ __ _ _(_)_ __  __ _ \\ \\ \\ \\\n".to_string(),
                    "( ( )\\___ | '_ | '_| | '_ \\/ _` | \\ \\ \\ \\\n".to_string(),
                    " \\\\/  ___)| |_)| | | | | || (_| |  ) ) ) )\n".to_string(),
                    "  '  |____| .__|_| |_|_| |_\\__, | / / / /\n".to_string(),
                    " =========|_|==============|___/=/_/_/_/\n".to_string(),
                    " :: Spring Boot ::        (v2.1.6.RELEASE)\n".to_string(),
                    "\n".to_string(),
                    spring(t + 900 * MS, "INFO", "main", app, &format!("Starting Application v1.0 on {pod} with PID 1 (/app.jar started by root in /)")),
                    spring(t + 920 * MS, "INFO", "main", app, "No active profile set, falling back to default profiles: default"),
                ]);
                match b {
                    Behaviour::HelloWorld => {
                        let d = self.rng.range(12_000, 16_000) * MS;
                        self.later(key, c, run, d, Work::Listen);
                    }
                    _ => {
                        let d = self.rng.range(7_000, 9_500) * MS;
                        self.later(key, c, run, d, Work::CheckDeps);
                    }
                }
            }
            Behaviour::IstioInit => {
                let lines = [
                    "Istio iptables environment:".to_string(),
                    "ENVOY_PORT=".to_string(),
                    "INBOUND_CAPTURE_PORT=".to_string(),
                    "Istio iptables variables:".to_string(),
                    "PROXY_PORT=15001".to_string(),
                    "PROXY_INBOUND_CAPTURE_PORT=15006".to_string(),
                    "PROXY_UID=1337".to_string(),
                    "PROXY_GID=1337".to_string(),
                    "INBOUND_INTERCEPTION_MODE=REDIRECT".to_string(),
                    "INBOUND_PORTS_INCLUDE=*".to_string(),
                    "INBOUND_PORTS_EXCLUDE=15090,15021,15020".to_string(),
                    "OUTBOUND_IP_RANGES_INCLUDE=*".to_string(),
                    "Running iptables-restore with the following input:".to_string(),
                    "* nat".to_string(),
                    "-N ISTIO_INBOUND".to_string(),
                    "-N ISTIO_REDIRECT".to_string(),
                    "-N ISTIO_IN_REDIRECT".to_string(),
                    "-N ISTIO_OUTPUT".to_string(),
                    "-A ISTIO_INBOUND -p tcp --dport 15008 -j RETURN".to_string(),
                    "-A ISTIO_REDIRECT -p tcp -j REDIRECT --to-ports 15001".to_string(),
                    "-A ISTIO_IN_REDIRECT -p tcp -j REDIRECT --to-ports 15006".to_string(),
                    "-A PREROUTING -p tcp -j ISTIO_INBOUND".to_string(),
                    "-A ISTIO_INBOUND -p tcp --dport 15090 -j RETURN".to_string(),
                    "-A ISTIO_INBOUND -p tcp --dport 15021 -j RETURN".to_string(),
                    "-A ISTIO_INBOUND -p tcp --dport 15020 -j RETURN".to_string(),
                    "-A ISTIO_INBOUND -p tcp -j ISTIO_IN_REDIRECT".to_string(),
                    "-A OUTPUT -p tcp -j ISTIO_OUTPUT".to_string(),
                    "-A ISTIO_OUTPUT -o lo -s 127.0.0.6/32 -j RETURN".to_string(),
                    "-A ISTIO_OUTPUT -m owner --uid-owner 1337 -j RETURN".to_string(),
                    "-A ISTIO_OUTPUT -m owner --gid-owner 1337 -j RETURN".to_string(),
                    "-A ISTIO_OUTPUT -d 127.0.0.1/32 -j RETURN".to_string(),
                    "-A ISTIO_OUTPUT -j ISTIO_REDIRECT".to_string(),
                    "COMMIT".to_string(),
                ];
                let mut out = vec![istio(t, "info", "Istio iptables environment:")];
                out.extend(lines.iter().skip(1).map(|l| format!("{l}\n")));
                out.push(istio(
                    t + 40 * MS,
                    "info",
                    "Running command (with wait lock): iptables-restore --noflush --wait=30",
                ));
                self.log(key, c, out);
                let d = self.rng.range(150, 400) * MS;
                self.later(key, c, run, d, Work::Exit(0));
            }
            Behaviour::IstioProxy => {
                self.log(key, c, [
                    istio(t, "info", "FLAG: --concurrency=\"0\""),
                    istio(t, "info", "FLAG: --domain=\"default.svc.cluster.local\"".replace("default", &ns).as_str()),
                    istio(t, "info", "FLAG: --proxyLogLevel=\"warning\""),
                    istio(t + 2 * MS, "info", "Version 1.30.3-7b1c4a7e2f0d9a6c5b8e3f1d2a4c6e8b0d1f3a5c-Clean"),
                    istio(t + 3 * MS, "info", &format!("Proxy role\tips=[{ip}] type=sidecar id={pod}.{ns} domain={ns}.svc.cluster.local")),
                    istio(t + 4 * MS, "info", "Apply proxy config from env {}"),
                    istio(t + 9 * MS, "info", "cache\tgenerated new workload certificate\tresourceName=default latency=61.3ms ttl=23h59m59s"),
                    istio(t + 10 * MS, "info", "Opening status port 15020"),
                    istio(t + 12 * MS, "info", "xdsproxy\tInitializing with upstream address \"istiod.istio-system.svc:15012\" and cluster \"Kubernetes\""),
                    istio(t + 20 * MS, "info", "Starting proxy agent"),
                    istio(t + 21 * MS, "info", "starting"),
                    istio(t + 22 * MS, "info", "Envoy command: [-c etc/istio/proxy/envoy-rev.json --drain-time-s 45 --drain-strategy immediate --local-address-ip-version v4 --file-flush-interval-msec 1000 --disable-hot-restart --allow-unknown-static-fields -l warning --component-log-level misc:error]"),
                ]);
                self.later(key, c, run, 15 * MS, Work::Listen);
                let d = self.rng.range(1200, 2400) * MS;
                self.later(key, c, run, d, Work::EnvoyReady);
            }
            Behaviour::ExitZero => {
                self.later(key, c, run, 100 * MS, Work::Exit(0));
            }
            Behaviour::Generic => {
                let image = self.pods[key]
                    .spec
                    .containers
                    .get(c.idx)
                    .map(|x| x.image.clone())
                    .unwrap_or_default();
                self.log(
                    key,
                    c,
                    [format!("{} starting {image}\n", rfc3339_micros(t))],
                );
                let d = self.rng.range(500, 1500) * MS;
                self.later(key, c, run, d, Work::Listen);
            }
        }
    }

    pub(crate) fn workload_work(&mut self, key: &Key, c: ContainerRef, run: u32, w: Work) {
        let b = self.behaviour(key, c);
        let t = self.now;
        match w {
            Work::Exit(code) => {
                if b == Behaviour::IstioInit {
                    self.log(
                        key,
                        c,
                        [istio(t, "info", "Running iptables-restore succeeded")],
                    );
                }
                let reason = if code == 0 { "Completed" } else { "Error" };
                self.container_exit(key, c, code, reason);
            }
            Work::EnvoyReady => {
                self.log(
                    key,
                    c,
                    [
                        istio(
                            t.saturating_sub(200 * MS),
                            "info",
                            "ads\tADS: new connection for node:1",
                        ),
                        istio(
                            t.saturating_sub(150 * MS),
                            "info",
                            "ads\tCDS: PUSH request for node:1 resources:24 size:24.6kB",
                        ),
                        istio(
                            t.saturating_sub(100 * MS),
                            "info",
                            "ads\tLDS: PUSH request for node:1 resources:18 size:79.2kB",
                        ),
                        istio(
                            t,
                            "info",
                            &format!(
                                "Readiness succeeded in {}",
                                crate::time::go_duration(t - self.container_started(key, c))
                            ),
                        ),
                        istio(t, "info", "Envoy proxy is ready"),
                    ],
                );
                let rt = self.runtime_mut(key, c);
                rt.serving = true;
            }
            Work::Listen => {
                let rt = self.runtime_mut(key, c);
                rt.listening = true;
                if b != Behaviour::IstioProxy {
                    rt.serving = true;
                }
                let started = self.container_started(key, c);
                let secs = (t - started) as f64 / SEC as f64;
                match b {
                    Behaviour::MySql => {
                        let ts = crate::time::rfc3339(t).replace('T', " ").replace('Z', "");
                        self.log(key, c, [
                            format!("{ts} 1 [Note] Server hostname (bind-address): '*'; port: 3306\n"),
                            format!("{ts} 1 [Note] mysqld: ready for connections.\n"),
                            "Version: '5.6.51'  socket: '/var/run/mysqld/mysqld.sock'  port: 3306  MySQL Community Server (GPL)\n".to_string(),
                        ]);
                    }
                    Behaviour::Redis => {
                        let ts = redis_time(t);
                        self.log(
                            key,
                            c,
                            [format!("1:M {ts} * Ready to accept connections\n")],
                        );
                    }
                    Behaviour::HelloWorld
                    | Behaviour::GuestbookService
                    | Behaviour::GuestbookUi => {
                        let app = b.spring_app().unwrap_or("Application");
                        self.log(key, c, [
                            spring(t - 30 * MS, "INFO", "main", "o.s.b.w.embedded.tomcat.TomcatWebServer", "Tomcat started on port(s): 8080 (http) with context path ''"),
                            spring(t, "INFO", "main", app, &format!("Started Application in {secs:.3} seconds (JVM running for {:.3})", secs + 0.6)),
                        ]);
                    }
                    _ => {}
                }
                // Readiness without a probe follows the process; with one, the kubelet finds out.
            }
            Work::CheckDeps => {
                let (needs, what): (&[&str], &str) = match b {
                    Behaviour::GuestbookService => (&["mysql"], "mysql"),
                    Behaviour::GuestbookUi => (&["redis"], "redis"),
                    _ => (&[], ""),
                };
                let ok = needs.iter().all(|s| self.can_reach(key, s));
                if ok {
                    let line = match b {
                        Behaviour::GuestbookService => spring(
                            t,
                            "INFO",
                            "main",
                            "com.zaxxer.hikari.HikariDataSource",
                            "HikariPool-1 - Start completed.",
                        ),
                        _ => spring(
                            t,
                            "INFO",
                            "main",
                            "o.s.d.r.c.j.JedisConnectionFactory",
                            "Connected to Redis at redis:6379",
                        ),
                    };
                    self.log(key, c, [line]);
                    let d = self.rng.range(2500, 4000) * MS;
                    self.later(key, c, run, d, Work::Listen);
                } else {
                    let lines = match b {
                        Behaviour::GuestbookService => vec![
                            spring(t, "INFO", "main", "com.zaxxer.hikari.HikariDataSource", "HikariPool-1 - Starting..."),
                            spring(t + 250 * MS, "ERROR", "main", "com.zaxxer.hikari.pool.HikariPool", "HikariPool-1 - Exception during pool initialization."),
                            "\n".to_string(),
                            "com.mysql.cj.jdbc.exceptions.CommunicationsException: Communications link failure\n".to_string(),
                            "\n".to_string(),
                            "The last packet sent successfully to the server was 0 milliseconds ago. The driver has not received any packets from the server.\n".to_string(),
                            "\tat com.mysql.cj.jdbc.exceptions.SQLError.createCommunicationsException(SQLError.java:174)\n".to_string(),
                            "\tat com.zaxxer.hikari.pool.HikariPool.<init>(HikariPool.java:115)\n".to_string(),
                            "Caused by: java.net.ConnectException: Connection refused (Connection refused)\n".to_string(),
                            spring(t + 300 * MS, "WARN", "main", "ConfigServletWebServerApplicationContext", "Exception encountered during context initialization - cancelling refresh attempt"),
                            spring(t + 320 * MS, "ERROR", "main", "o.s.boot.SpringApplication", "Application run failed"),
                        ],
                        _ => vec![
                            spring(t + 250 * MS, "ERROR", "main", "o.s.boot.SpringApplication", "Application run failed"),
                            "\n".to_string(),
                            format!("org.springframework.data.redis.RedisConnectionFailureException: Unable to connect to Redis; nested exception is io.lettuce.core.RedisConnectionException: Unable to connect to {what}:6379\n"),
                            "Caused by: java.net.ConnectException: Connection refused\n".to_string(),
                        ],
                    };
                    self.log(key, c, lines);
                    self.later(key, c, run, 400 * MS, Work::Exit(1));
                }
            }
        }
        self.refresh_pod(key);
    }

    pub(crate) fn workload_log_kill(&mut self, key: &Key, c: ContainerRef) {
        let t = self.now;
        if self.behaviour(key, c).spring_app().is_some() {
            self.log(
                key,
                c,
                [spring(
                    t,
                    "INFO",
                    "Thread-3",
                    "o.s.s.concurrent.ThreadPoolTaskExecutor",
                    "Shutting down ExecutorService 'applicationTaskExecutor'",
                )],
            );
        }
    }

    fn runtime_mut(&mut self, key: &Key, c: ContainerRef) -> &mut crate::kubelet::ContainerRuntime {
        let p = self.pods.get_mut(key).expect("pod exists");
        if c.init {
            &mut p.runtime.init[c.idx]
        } else {
            &mut p.runtime.main[c.idx]
        }
    }

    fn container_started(&self, key: &Key, c: ContainerRef) -> Nanos {
        let p = &self.pods[key];
        let st = if c.init {
            &p.status.init_statuses[c.idx]
        } else {
            &p.status.statuses[c.idx]
        };
        match st.state {
            crate::objects::ContainerState::Running { started } => started,
            _ => self.now,
        }
    }
}

fn redis_time(t: Nanos) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let c = crate::time::civil(t);
    format!(
        "{:02} {} {:02}:{:02}:{:02}.{:03}",
        c.day,
        MONTHS[(c.month - 1) as usize],
        c.hour,
        c.minute,
        c.second,
        c.nanos / 1_000_000
    )
}
