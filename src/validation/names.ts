/** Consul's own rule for datacenter names (agent/config: validateBasicName). */
export const DATACENTER_NAME = /^[a-z0-9_-]+$/;

/**
 * Node names: a lower-case DNS label. Consul refuses anything else in a token's node identity
 * (acl/validation.go, `validNodeIdentityName`: lower-case letters, digits, '-' and '_'; the agent
 * token of an upper-case node fails with "Node identity has an invalid name"), and the name
 * becomes a certificate SAN (`<node>.server.<dc>.<domain>`) and a DNS record, where '_' is not valid.
 */
export const NODE_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** Consul's policy names (acl/validation.go, `ValidatePolicyName`): at most 128, no "builtin/" prefix. */
export const POLICY_NAME = /^[A-Za-z0-9_-]+\/?[A-Za-z0-9_-]*$/;

/** Consul's role names (acl/validation.go, `validRoleName`). */
export const ROLE_NAME = /^[A-Za-z0-9_-]{1,256}$/;

/** The DNS domain Consul answers for (`domain`), e.g. "consul" or "consul.example.com". */
export const DOMAIN_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
