/**
 * What a user sees from the real engine when an option is refused: the library's message once,
 * naming the option as they wrote it, no stack trace, no `error serializing property` chain, no
 * secret, and nothing created. Plain values are refused before any resource; Output-valued ones
 * (here from `pulumi.secret`, as a StackReference or a secret store gives them) once known.
 */
import { strict as assert } from "node:assert";
import { PulumiWorkspace } from "./pulumiCli";

const SHORT_KEY = "MDEyMzQ1Njc4OWFiY2RlZg=="; // a 16-byte gossip key
const PROGRAMS: { name: string; option: RegExp; source: string }[] = [
    {
        name: "plain-network",
        option: /adminNetworks/,
        source: `new HardenedCluster("c", { datacenter: "dc1", servers: 1, adminNetworks: ["0.0.0.0/1", "128.0.0.0/1"] });`,
    },
    {
        name: "late-gossip-key",
        option: /gossip\.generations\[0\]\.key = <secret: 24 characters>: a 16-byte key is AES-128/,
        source: `new HardenedCluster("c", { datacenter: "dc1", servers: 1, gossip: { generations: [{ name: "g1", primary: true, key: pulumi.secret("${SHORT_KEY}") }] } });`,
    },
    {
        name: "late-seed",
        option: /secretSeed = <secret: 24 characters>: decodes to 16 bytes/,
        source: `new HardenedCluster("c", { datacenter: "dc1", servers: 1, clientNodeNames: ["web-1", "web-2"], secretSeed: pulumi.secret("${SHORT_KEY}") });`,
    },
];

describe("refused options under the real engine: one message naming the option, no stack, nothing created", function () {
    this.timeout(600_000);
    let ws: PulumiWorkspace;
    before(() => (ws = new PulumiWorkspace()));
    after(() => ws?.dispose());

    for (const p of PROGRAMS)
        it(p.name, () => {
            const project = ws.jsProject(p.name, `const pulumi = require("@pulumi/pulumi");\nconst { HardenedCluster } = require(REPO);\n${p.source}\n`);
            const up = ws.pulumi(["up", "--yes", "--skip-preview"], project, { allowFailure: true });
            const out = `${up.stdout}\n${up.stderr}`;
            assert.notEqual(up.code, 0, out);
            assert.match(out, p.option);
            // The progress display shows the error as it happens; the diagnostics list it once.
            const diagnostics = up.stdout.slice(up.stdout.indexOf("Diagnostics:"));
            assert.equal(diagnostics.match(/invalid option\(s\)/g)?.length, 1, `reported once:\n${out}`);
            assert.doesNotMatch(out, /error serializing property/, out);
            assert.doesNotMatch(out, /^\s+at .+:\d+:\d+\)?$/m, `no stack trace:\n${out}`);
            assert.doesNotMatch(out, /unhandled exception/, out);
            for (const secret of [SHORT_KEY, SHORT_KEY.slice(0, 6)]) assert.ok(!out.includes(secret), "no part of the key printed");
            const created = (ws.stackExport(project).deployment.resources ?? []).filter((r) => !r.type.startsWith("pulumi:"));
            // An Output is checked once known: resources it does not feed may exist by then.
            if (p.name.startsWith("plain")) assert.deepEqual(created.map((r) => r.urn), [], "nothing created");
        });
});
