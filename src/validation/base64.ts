/** Bytes a string decodes to as standard, padded base64 (what `openssl rand -base64` and `consul keygen` print), or undefined. */
export function stdBase64Bytes(s: string): number | undefined {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(s) || s.length % 4 !== 0) return undefined;
    // Every 4 characters are 3 bytes, less one per padding "=" (no decoding needed to count).
    return (s.length / 4) * 3 - (s.endsWith("==") ? 2 : s.endsWith("=") ? 1 : 0);
}
