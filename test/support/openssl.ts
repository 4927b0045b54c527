/** openssl as the oracle: CAs made the way `consul tls ca create` makes them, and `openssl verify`. */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const dir = mkdtempSync(join(tmpdir(), "ch-openssl-"));

/** Runs openssl in this module's scratch directory. */
export const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

/** The scratch directory openssl's files go to. */
export const opensslDir = dir;

/** The extensions of a plain CA, as `consul tls ca create` writes them. */
export const CA_V3 = ["basicConstraints=critical,CA:true", "keyUsage=critical,keyCertSign,cRLSign,digitalSignature", "subjectKeyIdentifier=hash"];

/** An ECDSA CA with the given extensions (openssl config lines under [v3]). */
export function opensslCa(name: string, v3: string[], days = 1825): { certPem: string; privateKeyPem: string } {
    openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", `${name}.key`);
    writeFileSync(join(dir, `${name}.cnf`), ["[req]", "distinguished_name=dn", "x509_extensions=v3", "prompt=no", "[dn]", `CN=${name}`, "[v3]", ...v3].join("\n") + "\n");
    openssl("req", "-new", "-x509", "-key", `${name}.key`, "-config", `${name}.cnf`, "-days", String(days), "-out", `${name}.pem`);
    return { certPem: readFileSync(join(dir, `${name}.pem`), "utf8"), privateKeyPem: readFileSync(join(dir, `${name}.key`), "utf8") };
}

/** `openssl verify -CAfile <caPem> <leafPem>`; caPem may be a bundle. */
export function opensslVerify(caPem: string, leafPem: string): { ok: boolean; out: string } {
    writeFileSync(join(dir, "v-ca.pem"), caPem);
    writeFileSync(join(dir, "v-leaf.pem"), leafPem);
    const r = spawnSync("openssl", ["verify", "-CAfile", "v-ca.pem", "v-leaf.pem"], { cwd: dir, encoding: "utf8" });
    return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}
