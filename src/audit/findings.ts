import { ChecklistId } from "../checklist";

export type Severity = "high" | "medium" | "low";

/**
 * IDs beyond the checklist. CONSUL-REJECT: Consul refuses the config — what `consul validate`
 * refuses (an unknown key, a value its decoder or builder rejects). CONSUL-START: `consul validate`
 * passes it, but the agent fails to start with it. CONSUL-VERSION: the Consul version asked for
 * lacks security fixes published later (src/config/versionFloor.ts).
 */
export type AuditId = ChecklistId | "CONSUL-REJECT" | "CONSUL-START" | "CONSUL-VERSION";

/** Findings that mean the agent does not run with this config (the CLI exits 2 on them). */
export const REFUSAL_IDS: readonly AuditId[] = ["CONSUL-REJECT", "CONSUL-START"];

export interface Finding {
    id: AuditId;
    severity: Severity;
    /** The config file (or directory) the finding is about. */
    file: string;
    /** Dotted config path, e.g. tls.internal_rpc.verify_server_hostname. */
    path: string;
    message: string;
    fix: string;
    /**
     * A flag for review, not a broken requirement (e.g. HTTP writes admitted from a public
     * address): the policy pack reports it as advisory, never as a mandatory violation.
     */
    advisory?: true;
}

export const SEVERITY_RANK: Record<Severity, number> = { low: 1, medium: 2, high: 3 };

/** Severity of each checklist ID, as the checklist gives it. */
export const CHECKLIST_SEVERITY: Record<ChecklistId, Severity> = {
    "CSM-TLS-01": "high", "CSM-TLS-02": "medium", "CSM-TLS-03": "high", "CSM-TLS-04": "medium", "CSM-TLS-05": "high",
    "CSM-TLS-06": "medium", "CSM-TLS-07": "high", "CSM-TLS-08": "medium", "CSM-TLS-09": "medium", "CSM-TLS-10": "high",
    "CSM-ACL-01": "high", "CSM-ACL-02": "high", "CSM-ACL-03": "medium", "CSM-ACL-04": "high", "CSM-ACL-05": "high",
    "CSM-GOS-01": "high", "CSM-GOS-02": "high", "CSM-GOS-03": "low", "CSM-EXE-01": "high", "CSM-EXE-02": "high",
    "CSM-ROT-01": "low", "CSM-HTTP-01": "low", "CSM-HTTP-02": "low", "CSM-LIM-01": "low", "CSM-LIM-02": "low",
    "CSM-LIM-03": "low", "CSM-LIM-04": "low", "CSM-LIM-05": "low", "CSM-UI-01": "medium", "CSM-OS-01": "low", "CSM-NET-01": "medium",
    "CSM-CA-01": "medium", "CSM-ACL-10": "high", "CSM-HTTP-03": "high",
};

/** Checklist IDs no agent config can decide: the audit says so instead of passing them. */
export const NOT_DECIDABLE_FROM_CONFIG: { id: string; why: string }[] = [
    { id: "CSM-ACL-06", why: "the anonymous token's policies live in Consul's state, not in agent config" },
    { id: "CSM-ACL-07", why: "policies live in Consul's state; lint them with lintRules or the policy pack" },
    { id: "CSM-ACL-08", why: "roles and tokens live in Consul's state" },
    { id: "CSM-ACL-09", why: "token lifetimes live in Consul's state" },
    { id: "CSM-GOS-03", why: "rotation is a procedure over time, not a setting" },
    { id: "CSM-ROT-01", why: "certificate lifetimes are in the certificate files, not the config" },
    { id: "CSM-ROT-02", why: "token rotation is a procedure over time" },
    { id: "CSM-OS-01", why: "file modes and the agent's user are properties of the host" },
    { id: "CSM-NS-01", why: "namespace-scoped policies live in Consul's state" },
    { id: "CSM-SEN-01", why: "Sentinel rules live in Consul's state" },
];
