/**
 * Deep-merges `override` into `base` without mutating either. Objects merge key by key; arrays
 * and scalars in `override` replace the base value whole (a merged `retry_join` that kept old
 * entries would surprise). `undefined` in `override` leaves the base value as it is.
 */
export function deepMerge<T>(base: T, override: unknown): T {
    if (!isPlainObject(base) || !isPlainObject(override)) {
        return (override === undefined ? base : override) as T;
    }
    const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
    for (const key in override) {
        const value = override[key];
        if (value === undefined) continue;
        const merged = Object.prototype.hasOwnProperty.call(out, key) ? deepMerge(out[key], value) : value;
        setOwn(out, key, merged);
    }
    return out as T;
}

/**
 * `obj[key] = value`, except that a key spelled "__proto__" (JSON.parse makes it an own property
 * of input nobody here wrote) stays data instead of replacing obj's prototype.
 */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
    if (key === "__proto__") Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
    else obj[key] = value;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The value at a dotted path (`tls.defaults.ca_file`), or undefined where the path ends early. */
export function valueAtPath(obj: unknown, path: string): unknown {
    return path.split(".").reduce<unknown>((o, k) => (typeof o === "object" && o !== null ? (o as Record<string, unknown>)[k] : undefined), obj);
}
