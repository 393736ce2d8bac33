import assert from "node:assert/strict";
import { parseEmployerList } from "../../src/core/export";
import { SEED } from "../../src/simulator";

const provider = { role: "provider" as const };
const [a, b, c] = SEED.employers;

describe("core/export parseEmployerList", () => {
  it("one number: text in any usual form, or a JavaScript number that lost its leading zero", () => {
    assert.deepEqual(parseEmployerList("BE 0203.430.576", provider), { employers: ["0203430576"], refused: [] });
    assert.deepEqual(parseEmployerList(203430576, provider), { employers: ["0203430576"], refused: [] });
  });

  it("an array, duplicates dropped, order kept", () => {
    assert.deepEqual(parseEmployerList([b, "BE" + a, a, b, c], provider).employers, [b, a, c]);
  });

  it("rows of a CSV node: objects with enterpriseNumber", () => {
    assert.deepEqual(
      parseEmployerList([{ enterpriseNumber: a, name: "x" }, { enterpriseNumber: b }], provider).employers,
      [a, b],
    );
  });

  it("text of a CSV file: BOM, header line, quotes, ';' or ',' separated first column, blank lines, CRLF", () => {
    const text = `\uFEFFenterpriseNumber;name\r\n"${a}";"Brasserie; Demo"\r\n\r\n${b},Logistique\r\n="${c}";x\r\n;\r\n`;
    assert.deepEqual(parseEmployerList(text, provider), { employers: [a, b, c], refused: [] });
    assert.deepEqual(parseEmployerList(`"=""${a}"""`, provider).employers, [a], "the form the export's own CSV writes");
    assert.deepEqual(
      parseEmployerList(Buffer.from(`${a}\n${b}\n`), provider).employers,
      [a, b],
      "a Buffer from a file-in node",
    );
  });

  it("employer role: an input with no usable number is refused, not replaced by the config node's employer", () => {
    const employer = { role: "employer" as const, defaultEnterpriseNumber: a };
    for (const input of ["abc", "enterpriseNumber\r\n", [""], ["", null], Buffer.from("Ondernemingsnummer\n"), {}]) {
      const parsed = parseEmployerList(input, employer);
      assert.deepEqual(parsed.employers, [], JSON.stringify(input));
      assert.equal(parsed.refused.length, 1, JSON.stringify(input));
      assert.equal(parsed.refused[0].anomalies[0].code, "LOCAL-ENTERPRISE-FORMAT");
    }
    for (const input of [undefined, null, "", "  \n", Buffer.from("")]) {
      assert.deepEqual(
        parseEmployerList(input, employer),
        { employers: [a], refused: [] },
        "nothing given: the config node's employer",
      );
    }
  });

  it("bad numbers are refused with the validation module's anomalies, the others go on", () => {
    const { employers, refused } = parseEmployerList(`${a}\n0203430577\n12345\nhello\n`, provider);
    assert.deepEqual(employers, [a]);
    assert.deepEqual(
      refused.map((r) => r.input),
      ["0203430577", "12345", "hello"],
    );
    assert.deepEqual(
      refused.map((r) => r.anomalies.map((x) => x.code)),
      [["LOCAL-ENTERPRISE-CHECKSUM"], ["LOCAL-ENTERPRISE-FORMAT"], ["LOCAL-ENTERPRISE-FORMAT"]],
    );
    const anomaly = refused[0].anomalies[0];
    assert.equal(anomaly.source, "local");
    assert.equal(anomaly.severity, "BLOCKING");
    assert.equal(anomaly.field, "payload line 2");
    assert.ok(anomaly.description?.fr && anomaly.description.nl);
    assert.match(anomaly.message, /check digits/);
  });

  it("a line with an empty first column is refused, not skipped", () => {
    const { employers, refused } = parseEmployerList(`${a}\n;Brasserie\n`, provider);
    assert.deepEqual(employers, [a]);
    assert.equal(refused.length, 1);
    assert.equal(refused[0].anomalies[0].code, "LOCAL-ENTERPRISE-FORMAT");
  });

  it("empty input: the config node's employer in the employer role, a clear anomaly in the provider role", () => {
    for (const empty of [undefined, null, "", "  \n\n", [], "\uFEFF"]) {
      assert.deepEqual(
        parseEmployerList(empty, { role: "employer", defaultEnterpriseNumber: a }),
        { employers: [a], refused: [] },
        String(empty),
      );
      const asProvider = parseEmployerList(empty, provider);
      assert.deepEqual(asProvider.employers, []);
      assert.equal(asProvider.refused[0].anomalies[0].code, "LOCAL-EMPLOYER-REQUIRED");
    }
    assert.equal(parseEmployerList("", { role: "employer" }).refused[0].anomalies[0].code, "LOCAL-EMPLOYER-MISSING");
  });

  it("never throws: deep, circular, huge, odd values", () => {
    let deep: unknown = a;
    for (let i = 0; i < 10_000; i++) deep = [deep];
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const odd: unknown[] = [
      deep,
      circular,
      Symbol("x"),
      () => 1,
      12.5,
      -3,
      NaN,
      Infinity,
      true,
      { enterpriseNumber: { nested: 1 } },
      new Date(),
      10n,
    ];
    for (const value of odd) {
      const result = parseEmployerList(value, provider);
      assert.equal(result.employers.length, 0, String(typeof value));
      assert.ok(result.refused.length >= 1);
      assert.ok(
        result.refused.every((r) => r.anomalies.length > 0 && typeof r.input === "string" && r.input.length <= 200),
      );
    }
    const many = Array.from({ length: 100_000 }, (_, i) => String(10_000_000 + i)).map(
      (first8) => first8 + String(97 - Number(BigInt(first8) % 97n)).padStart(2, "0"),
    );
    assert.equal(
      parseEmployerList(many.join("\n"), provider).employers.length,
      100_000,
      "a long list is read in linear time",
    );
    const huge = `${a}\n`.repeat(200_000) + "x".repeat(5_000_000);
    const result = parseEmployerList(huge, provider);
    assert.deepEqual(result.employers, [a]);
    assert.equal(result.refused.length, 1);
    assert.ok(result.refused[0].input.length <= 200);
  });
});
