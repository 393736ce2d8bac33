import assert from "node:assert/strict";
import { flatten, headerOf } from "../../src/core/export/columns";
import { csvHeader, csvLine } from "../../src/core/export/csv";
import { parseCsv } from "./exportHelpers";

const training = {
  trainingId: "T-000042",
  employer: { enterpriseNumber: "0203430576" },
  worker: { ssin: "85073003328", name: "Sam" },
  externalReference: "007",
  title: 'Forklift; "safe"\nsecond line',
  period: { startDate: "2024-03-04", endDate: "2024-03-05" },
  nature: "FORMAL",
  duration: { value: 14.5, unit: "HOURS" },
  countsForSectoralRight: true,
  anomalies: [{ code: "FLA-W-1" }],
  newField: { nested: [1, 2] },
};

describe("core/export CSV", () => {
  it("header: BOM, ';' separated column paths, the uncovered fields last", () => {
    const header = csvHeader("trainings");
    assert.ok(header.startsWith("\uFEFF") && header.endsWith("\r\n"));
    assert.deepEqual(parseCsv(header.slice(1))[0], headerOf("trainings"));
    assert.equal(headerOf("trainings").at(-1), "otherFields");
  });

  it("a row: RFC 4180 quoting of ';', quotes and line breaks; identifiers in the =\"…\" form; numbers, booleans, JSON", () => {
    const line = csvLine("trainings", training);
    assert.ok(line.endsWith("\r\n"));
    const rows = parseCsv(line);
    assert.equal(rows.length, 1, "the line break inside the title stays inside its quoted field");
    const row = rows[0];
    const header = headerOf("trainings");
    const col = (name: string): string => row[header.indexOf(name)];
    assert.equal(row.length, header.length);
    assert.equal(col("title"), training.title);
    assert.equal(col("employer.enterpriseNumber"), '="0203430576"');
    assert.equal(col("worker.ssin"), '="85073003328"');
    assert.equal(col("externalReference"), '="007"');
    assert.equal(col("trainingId"), '="T-000042"');
    assert.equal(col("period.startDate"), "2024-03-04");
    assert.equal(col("duration.value"), "14,5", "a decimal comma: Belgian Excel reads 14.5 as text or a date");
    assert.equal(col("countsForSectoralRight"), "true");
    assert.equal(col("outcome"), "");
    assert.deepEqual(JSON.parse(col("anomalies")), training.anomalies);
    assert.deepEqual(
      JSON.parse(col("otherFields")),
      { worker: { name: "Sam" }, newField: { nested: [1, 2] } },
      "nothing dropped",
    );
  });

  it("text Excel would turn into a number or run as a formula keeps its exact value", () => {
    const row = parseCsv(
      csvLine("trainingRights", {
        enterpriseNumber: "0203430576",
        ssin: "85073003328",
        year: 2025,
        unit: '=HYPERLINK("x")',
        declaredAt: "0123",
      }),
    )[0];
    const header = headerOf("trainingRights");
    assert.equal(row[header.indexOf("unit")], '="=HYPERLINK(""x"")"');
    assert.equal(row[header.indexOf("declaredAt")], '="0123"');
    assert.equal(row[header.indexOf("year")], "2025");
  });

  it("numbers: decimals with a comma (the ';' CSV of the Belgian locales), integers and negatives as they are", () => {
    const header = headerOf("trainingCredits");
    const row = parseCsv(
      csvLine("trainingCredits", {
        enterpriseNumber: "0203430576",
        ssin: "85073003328",
        year: 2025,
        entitlement: 3.25,
        attended: -0.5,
        remaining: 2,
      }),
    )[0];
    const col = (name: string): string => row[header.indexOf(name)];
    assert.equal(col("entitlement"), "3,25");
    assert.equal(col("attended"), "-0,5");
    assert.equal(col("remaining"), "2");
    assert.equal(col("year"), "2025");
  });

  it("credits: the found column says true for a credit the API gave, false for a worker-year without one", () => {
    const header = headerOf("trainingCredits");
    const found = parseCsv(
      csvLine("trainingCredits", { enterpriseNumber: "0203430576", ssin: "85073003328", year: 2025, entitlement: 4 }),
    )[0];
    assert.equal(found[header.indexOf("found")], "true");
    const missing = parseCsv(
      csvLine("trainingCredits", {
        enterpriseNumber: "0203430576",
        ssin: "85073003328",
        year: 2025,
        found: false,
        httpStatus: 404,
      }),
    )[0];
    assert.equal(missing[header.indexOf("found")], "false");
  });

  it("a record that is not an object is kept whole in the last column", () => {
    assert.deepEqual(flatten("trainingCredits", "odd").at(-1), '"odd"');
    const row = parseCsv(csvLine("trainingCredits", [1, 2]))[0];
    assert.equal(row.at(-1), "[1,2]");
  });
});
