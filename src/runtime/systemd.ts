/**
 * How the agent runs, hardened too: a systemd unit per role, and the sysusers.d/tmpfiles.d
 * snippets that create the unprivileged user and the directories with the owners and modes the
 * bundle expects. Pure: HardenedCluster renders these into `files`.
 *
 * Every directive was checked against what Consul needs: it reports readiness over sd_notify
 * (`Type=notify`), reloads on SIGHUP, opens only IP and Unix sockets (plus netlink to read
 * interface addresses), writes only its data directory (logs go to the journal), and needs no
 * capability — unless DNS is to listen below port 1024, which takes CAP_NET_BIND_SERVICE and an
 * explicit `insecure.dnsBelow1024`.
 */

export interface AgentProcessSettings {
    user: string;
    group: string;
    /** The consul binary. */
    binary: string;
    /** The config directory the agent loads (`-config-dir`). */
    configDir: string;
    dataDir: string;
    tlsDir: string;
    /** Grant CAP_NET_BIND_SERVICE (DNS on a port below 1024). */
    bindBelow1024: boolean;
}

export function systemdUnit(role: "server" | "client", s: AgentProcessSettings): string {
    const caps = s.bindBelow1024 ? "CAP_NET_BIND_SERVICE" : "";
    return `# consul-hardened: the Consul agent (${role}) without root and sandboxed.
[Unit]
Description=Consul agent (${role}, consul-hardened)
Documentation=https://developer.hashicorp.com/consul/docs/agent
Wants=network-online.target
After=network-online.target
ConditionDirectoryNotEmpty=${s.configDir}

[Service]
Type=notify
User=${s.user}
Group=${s.group}
ExecStart=${s.binary} agent -config-dir=${s.configDir}
ExecReload=/bin/kill --signal HUP $MAINPID
KillMode=process
KillSignal=SIGTERM
Restart=on-failure
LimitNOFILE=65536
UMask=0077

# Capabilities: none${s.bindBelow1024 ? ", but binding DNS below port 1024 (insecure.dnsBelow1024)" : ""}.
CapabilityBoundingSet=${caps}
AmbientCapabilities=${caps}
NoNewPrivileges=yes

# File system: everything read-only but the data directory.
ProtectSystem=strict
ReadWritePaths=${s.dataDir}
ProtectHome=yes
PrivateTmp=yes
PrivateDevices=yes
DevicePolicy=closed
ProtectProc=invisible
ProcSubset=pid
RemoveIPC=yes

# Kernel, cgroups, clock, host name: untouchable.
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes

# What a Go network daemon needs, nothing more.
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK
RestrictNamespaces=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
LockPersonality=yes
MemoryDenyWriteExecute=yes
SystemCallArchitectures=native
SystemCallFilter=@system-service
SystemCallFilter=~@privileged
SystemCallErrorNumber=EPERM
${s.bindBelow1024 ? "" : "PrivateUsers=yes\n"}
[Install]
WantedBy=multi-user.target
`;
}

/** sysusers.d: the unprivileged system user the unit runs as. */
export function sysusersSnippet(s: AgentProcessSettings): string {
    return `# consul-hardened: the user the Consul agent runs as (no login, no home).
g ${s.group} -
u ${s.user} -:${s.group} "Consul agent" - /usr/sbin/nologin
`;
}

/** tmpfiles.d: the directories with the owners and modes the bundle expects (CSM-OS-01). */
export function tmpfilesSnippet(s: AgentProcessSettings): string {
    return `# consul-hardened: Consul's directories. Configs and keys 0600 inside (the bundle's modes).
d ${s.configDir} 0750 root ${s.group} -
d ${s.tlsDir} 0750 root ${s.group} -
d ${s.dataDir} 0700 ${s.user} ${s.group} -
`;
}
