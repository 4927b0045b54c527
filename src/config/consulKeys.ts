import { valueAtPath } from "./merge";

/**
 * The configuration keys Consul 1.16 accepts — one table for the audit's "invalid config key" findings
 * and for HardenedCluster's overrides, so what one accepts the other does.
 * Top-level keys are listed whole; the blocks the audit reads are listed to their leaves; other
 * blocks (services, telemetry, connect, …) are opaque: their insides are not judged.
 */
const TOP_LEVEL = `acl acl_agent_master_token acl_agent_token acl_datacenter acl_default_policy acl_down_policy
acl_enable_key_list_policy acl_master_token acl_replication_token acl_token acl_ttl acl_disabled_ttl addresses
advertise_addr advertise_addr_ipv4 advertise_addr_ipv6 advertise_addr_wan advertise_addr_wan_ipv4
advertise_addr_wan_ipv6 advertise_reconnect_timeout ae_interval alt_domain audit auto_config auto_encrypt
auto_reload_config autopilot bind_addr bootstrap bootstrap_expect ca_file ca_path cache cert_file check
check_deregister_interval_min check_output_max_size check_reap_interval check_update_interval checks
client_addr cloud config_entries connect consul data_dir datacenter default_query_time
disable_anonymous_signature disable_coordinates disable_host_node_id disable_http_unprintable_char_filter
disable_keyring_file disable_remote_exec disable_update_check discard_check_output discovery_max_stale
dns_config domain enable_acl_replication enable_agent_tls_for_checks enable_central_service_config
enable_debug enable_local_script_checks enable_script_checks enable_syslog encrypt encrypt_verify_incoming
encrypt_verify_outgoing experiments gossip_lan gossip_wan http_config key_file leave_on_terminate
license_path limits log_file log_json log_level log_rotate_bytes log_rotate_duration log_rotate_max_files
max_query_time node_id node_meta node_name non_voting_server partition peering performance pid_file ports
primary_datacenter primary_gateways primary_gateways_interval protocol raft_boltdb raft_logstore
raft_protocol raft_snapshot_interval raft_snapshot_threshold raft_trailing_logs read_replica
reconnect_timeout reconnect_timeout_wan recursors rejoin_after_leave reporting retry_interval
retry_interval_wan retry_join retry_join_wan retry_max retry_max_wan revision rpc segment segment_limit
segment_name_limit segments serf_lan serf_lan_allowed_cidrs serf_wan serf_wan_allowed_cidrs server
server_name service services session_ttl_min skip_leave_on_interrupt snapshot_agent start_join
start_join_wan sync_coordinate_interval_min sync_coordinate_rate_target syslog_facility tagged_addresses
telemetry tls tls_cipher_suites tls_min_version tls_prefer_server_cipher_suites translate_wan_addrs ui
ui_config ui_content_path ui_dir unix_sockets use_streaming_backend verify_incoming verify_incoming_https
verify_incoming_rpc verify_outgoing verify_server_hostname version version_prerelease watches xds`;

const words = (s: string) => s.split(/\s+/).filter(Boolean);
const TLS_IFACE = words("ca_file ca_path cert_file key_file tls_min_version tls_cipher_suites verify_incoming verify_outgoing");

/** Known keys of the blocks the audit reads (one level, or two for tls and acl.tokens). */
export const CONSUL_BLOCK_KEYS: Record<string, string[]> = {
    acl: words("enabled default_policy down_policy policy_ttl role_ttl token_ttl enable_key_list_policy enable_token_replication enable_token_persistence msp_disable_bootstrap tokens"),
    "acl.tokens": words("initial_management master agent agent_recovery agent_master default replication config_file_service_registration dns"),
    addresses: words("dns http https grpc grpc_tls"),
    ports: words("dns http https grpc grpc_tls serf_lan serf_wan server proxy_min_port proxy_max_port sidecar_min_port sidecar_max_port expose_min_port expose_max_port"),
    limits: words("http_max_conns_per_client https_handshake_timeout rpc_handshake_timeout rpc_client_timeout rpc_max_conns_per_client rpc_rate rpc_max_burst kv_max_value_size txn_max_req_len request_limits"),
    auto_encrypt: words("tls allow_tls dns_san ip_san"),
    http_config: words("block_endpoints allow_write_http_from response_headers use_cache max_header_bytes"),
    ui_config: words("enabled dir content_path metrics_provider metrics_provider_files metrics_provider_options_json metrics_proxy dashboard_url_templates"),
    tls: words("defaults internal_rpc https grpc"),
    "tls.defaults": TLS_IFACE,
    "tls.internal_rpc": [...TLS_IFACE, "verify_server_hostname"],
    "tls.https": TLS_IFACE,
    "tls.grpc": [...TLS_IFACE, "use_auto_cert"],
};

export const CONSUL_TOP_LEVEL_KEYS = new Set(words(TOP_LEVEL));

/** Dotted paths of keys Consul would refuse with "invalid config key". */
export function invalidConsulKeys(config: Record<string, unknown>): string[] {
    const out: string[] = [];
    for (const key of Object.keys(config)) if (!CONSUL_TOP_LEVEL_KEYS.has(key)) out.push(key);
    for (const [block, known] of Object.entries(CONSUL_BLOCK_KEYS)) {
        const value = valueAtPath(config, block);
        if (!value || typeof value !== "object" || Array.isArray(value)) continue;
        for (const key of Object.keys(value)) if (!known.includes(key)) out.push(`${block}.${key}`);
    }
    return out;
}
