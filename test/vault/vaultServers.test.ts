/**
 * The Vault certificate source, planned and rendered (issue 24, first part): per server a PKI role
 * with exactly the names the static path puts on its certificate, a policy that may issue from that
 * role only, an AppRole; a Vault Agent config (valid HCL) whose three templates make one identical
 * issue call and write the bundle's files with its modes; a renewal timer at a third of the TTL.
 * Bad options are refused before anything, naming the option — a static token never printed.
 */
import { strict as assert } from "node:assert";
import { vaultServers } from "../../src/vault/vaultServers";
import { agentCertProfile } from "../../src/tls/profiles";
import { parseHcl } from "../../src/hcl/parse";
import { vaultAgentUnits } from "../../src/vault/agentFiles";
import { exposure, verify, HAVE_SYSTEMD_ANALYZE } from "../support/systemdAnalyze";
import { refusalsOf } from "../support/refusals";

const servers = [
    { nodeName: "consul-server-1", addresses: ["10.0.1.11"], extraDnsNames: [] },
    { nodeName: "consul-server-2", addresses: ["10.0.1.12"], extraDnsNames: ["consul-2.example.internal"] },
];
const base = { datacenter: "dc1", servers, vault: { address: "https://vault.internal:8200" } };

const refused = (input: Parameters<typeof vaultServers>[0]) => refusalsOf(() => vaultServers(input));

describe("Vault certificate source: plan and files", () => {
    it("a role per server with exactly the static path's names, EC P-256, no subdomains, no store", () => {
        const { plan } = vaultServers(base);
        assert.deepEqual(plan.roles.map((r) => r.name), ["consul-dc1-server-consul-server-1", "consul-dc1-server-consul-server-2"]);
        for (const [i, role] of plan.roles.entries()) {
            const profile = agentCertProfile({ profile: "server", datacenter: "dc1", domain: "consul", nodeName: servers[i].nodeName, extraDnsNames: servers[i].extraDnsNames, extraIpAddresses: servers[i].addresses });
            assert.deepEqual([role.commonName, ...role.altNames].sort(), [...profile.dnsNames].sort(), "the same DNS names as the static certificate");
            assert.deepEqual(role.ipSans, profile.ipAddresses);
            assert.deepEqual(role.params.allowed_domains.sort(), profile.dnsNames.filter((n) => n !== "localhost").sort());
            assert.equal(role.params.allow_subdomains, false);
            assert.equal(role.params.key_type, "ec");
            assert.equal(role.params.key_bits, 256);
            assert.equal(role.params.no_store, true);
        }
        assert.ok(!plan.roles[0].params.allowed_domains.includes("consul-server-2.server.dc1.consul"), "one server's role cannot issue another's name");
    });

    it("each policy may only issue from its own role", () => {
        const { plan } = vaultServers({ ...base, vault: { ...base.vault, mountPath: "pki/consul" } });
        const policy = parseHcl(plan.policies[0].hcl) as Record<string, any>;
        const paths = Object.keys(Array.isArray(policy.path) ? Object.assign({}, ...policy.path) : policy.path);
        assert.deepEqual(paths, ["pki/consul/issue/consul-dc1-server-consul-server-1"]);
        assert.match(plan.policies[0].hcl, /capabilities = \["update"\]/);
        assert.deepEqual(plan.appRoles.map((a) => a.policy), plan.policies.map((p) => p.name));
    });

    it("the Vault Agent config is HCL: AppRole login, three templates with one issue call, the bundle's files and modes", () => {
        const { files } = vaultServers({ ...base, tlsDir: "/srv/consul/tls" });
        const text = files["consul-server-1"]["vault-agent.hcl"];
        const hcl = parseHcl(text) as Record<string, any>;
        assert.ok(hcl.vault && hcl.auto_auth && hcl.template_config, "the blocks are there");
        const templates = (Array.isArray(hcl.template) ? hcl.template : [hcl.template]).flat();
        assert.deepEqual(templates.map((t: any) => [t.destination, t.perms]), [["/srv/consul/tls/server.pem", "0644"], ["/srv/consul/tls/server-key.pem", "0600"], ["/srv/consul/tls/ca.pem", "0644"]]);
        const calls = new Set(templates.map((t: any) => /\{\{ with (secret .*?) \}\}/.exec(t.contents)![1]));
        assert.equal(calls.size, 1, "one issue for the certificate, its key and its CA");
        assert.match([...calls][0], /^secret "pki-consul-dc1\/issue\/consul-dc1-server-consul-server-1" "common_name=server\.dc1\.consul" "alt_names=consul-server-1\.server\.dc1\.consul,localhost" "ip_sans=127\.0\.0\.1,10\.0\.1\.11" "ttl=72h"$/);
        assert.doesNotMatch(text, /token/i, "no static token anywhere");
    });

    it("renews at a third of the TTL: the timer's period, and the agent unit may write the TLS directory", () => {
        const { files, renewEverySeconds } = vaultServers({ ...base, vault: { ...base.vault, ttl: "90m", maxTtl: "2h" } });
        assert.equal(renewEverySeconds, 1800);
        assert.match(files["consul-server-1"]["consul-vault-agent-renew.timer"], /OnUnitActiveSec=1800s/);
        assert.match(files["consul-server-1"]["consul-vault-agent.service"], /^ReadWritePaths=\/etc\/consul\.d\/tls$/m, "it may write the TLS directory and nothing else");
    });

    it("the Vault Agent's unit is confined like Consul's: systemd-analyze scores it ≤ 2.0 and verifies both services", function () {
        if (!HAVE_SYSTEMD_ANALYZE) {
            console.log("      (skipped: systemd-analyze is not installed — apt-get install systemd)");
            return this.skip();
        }
        const units = vaultAgentUnits({ agentDir: "/etc/consul.d/vault-agent", tlsDir: "/etc/consul.d/tls", renewEverySeconds: 86400 }, process.execPath);
        const score = exposure(units["consul-vault-agent.service"], "consul-vault-agent.service");
        assert.ok(score <= 2.0, `exposure ${score}`);
        for (const name of ["consul-vault-agent.service", "consul-vault-agent-renew.service"]) {
            const v = verify(units[name], name);
            assert.ok(v.ok, `${name}: ${v.out}`);
        }
    });

    const cases: [string, Record<string, unknown>, string, RegExp][] = [
        ["plain http beyond loopback", { address: "http://vault.internal:8200" }, "vault.address", /without TLS beyond loopback/],
        ["a path in the address", { address: "https://vault.internal:8200/v1" }, "vault.address", /scheme, host and port only/],
        ["a mount path with a leading slash", { address: "https://v:8200", mountPath: "/pki" }, "vault.mountPath", /not a Vault mount path/],
        ["a mount path with ..", { address: "https://v:8200", approlePath: "auth/../sys" }, "vault.approlePath", /not a Vault mount path/],
        ["a TTL longer than maxTtl", { address: "https://v:8200", ttl: "200h" }, "vault.ttl", /longer than maxTtl \(168h\)/],
        ["a TTL shorter than the renewal margin", { address: "https://v:8200", ttl: "60s" }, "vault.ttl", /shorter than the renewal margin/],
        ["a TTL that is no duration", { address: "https://v:8200", ttl: "3 days" }, "vault.ttl", /not a positive Go duration/],
        ["a misspelt option", { address: "https://v:8200", maxTTL: "1h" }, "vault.maxTTL", /not an option here/],
    ];
    for (const [label, vault, option, says] of cases)
        it(`refuses ${label}, naming ${option}`, () => {
            const p = refused({ ...base, vault: vault as never }).find((x) => x.option === option);
            assert.ok(p, `no problem names ${option}`);
            assert.match(p.problem, says);
            assert.ok(p.fix.length > 0);
        });

    it("refuses a static token without printing it", () => {
        const token = "hvs.CAESIJ1staticstatic";
        const problems = refused({ ...base, vault: { ...base.vault, token } as never });
        assert.ok(problems.some((p) => p.option === "vault.token" && /AppRole/.test(p.problem)));
        assert.ok(!JSON.stringify(problems).includes(token));
    });

    it("http to a Vault on loopback is allowed (a test Vault); Vault's CA file only when vaultCaPem is given", () => {
        const { files } = vaultServers({ ...base, vault: { address: "http://127.0.0.1:8200" } });
        assert.doesNotMatch(files["consul-server-1"]["vault-agent.hcl"], /ca_cert/, "no CA file for plain http");
        assert.doesNotMatch(vaultServers(base).files["consul-server-1"]["vault-agent.hcl"], /ca_cert/, "https without vaultCaPem: the system's trust store");
        const withCa = vaultServers({ ...base, vault: { ...base.vault, vaultCaPem: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n" } });
        assert.match(withCa.files["consul-server-1"]["vault-agent.hcl"], /ca_cert = "\/etc\/consul\.d\/vault-agent\/vault-ca\.pem"/);
    });
});
