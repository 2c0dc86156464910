// The service's variables, one description on both sides: components/web-service/service-variables.json is written
// from app/internal/config/spec.go, whose Go test proves Load accepts each valid probe and refuses each invalid one
// with the spec's message. Here the components' checks are held to the same probes.
import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SERVICE_VARIABLES, parseGoDuration, variableRule } from "../../components/web-service/service-env";
import spec = require("../../components/web-service/service-variables.json");

const probes = spec.probes as Record<string, { valid: string[]; invalid: string[] }>;

describe("the Go service's variables, checked as the service checks them", () => {
    it("describes every variable with probes of both kinds", () => {
        assert.ok(SERVICE_VARIABLES.length >= 13);
        for (const variable of SERVICE_VARIABLES) {
            assert.ok(probes[variable.name]?.valid.length && probes[variable.name]?.invalid.length, variable.name);
        }
    });

    for (const variable of SERVICE_VARIABLES) {
        it(`${variable.name} (${variable.kind}): accepts what the service accepts, refuses what it refuses`, () => {
            const rule = variableRule(variable);
            assert.equal(rule.expected, variable.expected);
            assert.deepEqual(probes[variable.name].valid.filter((value) => !rule.accepts(value)), [], "valid values refused");
            assert.deepEqual(probes[variable.name].invalid.filter((value) => rule.accepts(value)), [], "invalid values accepted");
            assert.ok(rule.accepts(""), "empty means unset: the service's default applies");
        });
    }

    it("parses Go durations to nanoseconds", () => {
        assert.equal(parseGoDuration("1h2m3.5s"), 3723.5e9);
        assert.equal(parseGoDuration("-1.5µs"), -1500);
        assert.equal(parseGoDuration("0"), 0);
        assert.equal(parseGoDuration("5"), undefined);
    });
});
