/** The option problems a constructor or function is refused with; fails the test when it is not refused, or throws anything else. */
import { strict as assert } from "node:assert";
import { ConsulHardenedOptionError, OptionProblem } from "../../src/errors";

export function refusalsOf(build: () => unknown): OptionProblem[] {
    try {
        build();
    } catch (e) {
        assert.ok(e instanceof ConsulHardenedOptionError, String(e));
        return [...e.problems];
    }
    assert.fail("not refused");
}
