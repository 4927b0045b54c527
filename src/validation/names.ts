/** Consul's own rule for datacenter names (agent/config: validateBasicName). */
export const DATACENTER_NAME = /^[a-z0-9_-]+$/;

/**
 * Node names: Consul warns when a name is not a DNS label; this library refuses it, because the
 * name becomes a certificate SAN (`<node>.server.<dc>.<domain>`) and a DNS record.
 */
export const NODE_NAME = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** The DNS domain Consul answers for (`domain`), e.g. "consul" or "consul.example.com". */
export const DOMAIN_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
