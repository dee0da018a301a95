"""AWS Glue (4.0 / 5.0) Spark job: source tables -> Neptune Gremlin CSV.

Driven entirely by the job spec the kit uploads beside this script (``--model_s3_path``): the
graph-model declaration, the source views (files, column names, header lines) and, rendered by
the kit's TypeScript SQL builder, one SQL statement per output file. This script only registers
the views and runs those statements, so the Glue run and the local DuckDB run cannot drift apart.

Job arguments:
  --model_s3_path   s3://bucket/key of the job spec (JSON), required
  --output_s3_path  s3://bucket/prefix/ to write to (default: the spec's outputPrefix)

Output: ``<prefix>vertices/<Label>.csv`` and ``<prefix>edges/<label>.csv``, each one CSV file with
a header, RFC 4180 quoting (quotes doubled: Spark's default escape is a backslash), empty cell
for a missing value, values untrimmed (CSV_WRITE_OPTIONS), plus ``<prefix>_transform-report.json``: the run's report in the kit's
TransformReport shape (rows and bytes per file, source rows, deleted stale files, elapsed time).
Everything is written under a scratch prefix first and copied to the final keys only when every
statement succeeded; files of earlier runs that this run no longer produces are deleted.

``configure_session``, ``register_views`` and ``write_outputs`` hold the Spark work and need no
``awsglue``: test/etl-spark.test.ts runs them on a local Spark against local files.
"""

import json
import re
import sys
import time

SPEC_VERSION = 1
OUTPUT_KEY = re.compile(r"^(vertices|edges)/[A-Za-z][A-Za-z0-9_]*\.csv$")
VIEW_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
REPORT_NAME = "_transform-report.json"


class SpecError(ValueError):
    """The job spec is not one this script can run."""


def parse_s3_uri(uri):
    """Splits ``s3://bucket/key`` into (bucket, key)."""
    match = re.match(r"^s3://([^/]+)/?(.*)$", uri or "")
    if not match:
        raise SpecError("%r is not an s3://bucket/key URI" % (uri,))
    return match.group(1), match.group(2)


def _require(obj, field, kind, where):
    if field not in obj or not isinstance(obj[field], kind):
        raise SpecError("%s: field %r is missing or not a %s" % (where, field, kind.__name__))
    return obj[field]


def load_spec(text):
    """Parses and checks the job spec JSON; returns it as a dict. Raises SpecError."""
    try:
        spec = json.loads(text)
    except ValueError as error:
        raise SpecError("job spec is not valid JSON: %s" % error)
    if not isinstance(spec, dict):
        raise SpecError("job spec must be a JSON object")
    if spec.get("version") != SPEC_VERSION:
        raise SpecError("job spec version %r, this script runs version %d" % (spec.get("version"), SPEC_VERSION))
    model = _require(spec, "model", dict, "job spec")
    _require(model, "vertices", list, "model")
    _require(model, "edges", list, "model")
    _require(spec, "outputPrefix", str, "job spec")
    names = set()
    for i, view in enumerate(_require(spec, "views", list, "job spec")):
        where = "views[%d]" % i
        name = _require(view, "name", str, where)
        if not VIEW_NAME.match(name):
            raise SpecError("%s: view name %r must match %s" % (where, name, VIEW_NAME.pattern))
        names.add(name)
        paths = _require(view, "paths", list, where)
        for path in paths:
            parse_s3_uri(path)
        columns = _require(view, "viewColumns", list, where)
        if len(columns) != len(_require(view, "columns", list, where)):
            raise SpecError("%s: columns and viewColumns differ in length" % where)
        header_lines = _require(view, "headerLines", int, where)
        if header_lines not in (0, 1):
            raise SpecError("%s: Spark's CSV reader skips 0 or 1 header line, not %d" % (where, header_lines))
    keys = set()
    for i, output in enumerate(_require(spec, "outputs", list, "job spec")):
        where = "outputs[%d]" % i
        key = _require(output, "key", str, where)
        if not OUTPUT_KEY.match(key):
            raise SpecError("%s: key %r must look like vertices/<Label>.csv or edges/<label>.csv" % (where, key))
        if key in keys:
            raise SpecError("%s: key %r appears twice" % (where, key))
        keys.add(key)
        _require(output, "sql", str, where)
        header = _require(output, "header", list, where)
        system = ["~id", "~label"] if key.startswith("vertices/") else ["~id", "~from", "~to", "~label"]
        if header[: len(system)] != system:
            raise SpecError("%s: header must start with %s" % (where, ",".join(system)))
    return spec


def describe_spec(spec):
    """What the job will do, as plain data (views and their columns, outputs in load order)."""
    return {
        "views": [{"name": v["name"], "columns": v["viewColumns"], "paths": v["paths"]} for v in spec["views"]],
        "outputs": [o["key"] for o in spec["outputs"]],
        "vertexLabels": [v["label"] for v in spec["model"]["vertices"]],
        "edgeLabels": sorted({e["label"] for e in spec["model"]["edges"]}),
    }


def parse_job_args(argv, names):
    """``--name value`` pairs (what Glue passes); only the given names are kept."""
    args = {}
    i = 0
    while i < len(argv):
        token = argv[i]
        if token.startswith("--") and token[2:] in names and i + 1 < len(argv):
            args[token[2:]] = argv[i + 1]
            i += 2
        else:
            i += 1
    return args


def pick_part_file(keys):
    """The one CSV part file Spark wrote into a folder (``coalesce(1)``), or None when it wrote
    none (an empty result may leave only ``_SUCCESS``)."""
    parts = [k for k in keys if re.search(r"/part-[^/]*\.csv$", k)]
    if len(parts) > 1:
        raise RuntimeError("expected one part-*.csv file, found %d: %s" % (len(parts), parts))
    return parts[0] if parts else None


def header_line(header):
    """The header row alone, RFC 4180-quoted, for an output with no rows."""
    quote = lambda f: '"%s"' % f.replace('"', '""') if any(c in f for c in ',"\r\n') else f
    return ",".join(quote(f) for f in header) + "\n"


def stale_keys(existing, prefix, produced):
    """Files of an earlier run under vertices/ or edges/ that this run does not produce."""
    return sorted(
        k for k in existing if k.startswith(prefix) and OUTPUT_KEY.match(k[len(prefix):]) and k[len(prefix):] not in produced
    )


def build_report(spec, out_prefix, rows, sizes, source_rows, deleted, elapsed_ms):
    """The run's report in the kit's TransformReport shape (src/etl/transform-report.ts)."""
    report = {
        "runner": "glue",
        "prefix": out_prefix,
        "sources": [
            {"dataset": v["name"], "tableName": v["tableName"], "files": v["paths"], "rows": source_rows.get(v["name"], 0)}
            for v in spec["views"]
            if not v["name"].endswith("_known")
        ],
        "files": [
            {
                "kind": o["kind"],
                "label": o["label"],
                "key": out_prefix + o["key"],
                "rows": rows[o["key"]],
                "bytes": sizes.get(o["key"], 0),
            }
            for o in spec["outputs"]
        ],
        "deletedKeys": list(deleted),
        "elapsedMs": elapsed_ms,
    }
    if spec.get("batch") is not None:
        report["batch"] = spec["batch"]
    return report


def _list_keys(s3, bucket, prefix):
    keys = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        keys.extend(o["Key"] for o in page.get("Contents", []))
    return keys


# Every source column is read as a string with the catalog's names (postcodes keep their
# leading zeros; the statements do every cast themselves), RFC 4180 quoting, multi-line fields.
CSV_READ_OPTIONS = {
    "quote": '"',
    "escape": '"',
    "multiLine": True,
    "mode": "FAILFAST",
    # Already Spark's defaults for reading; spelled out because writing defaults the other way.
    "ignoreLeadingWhiteSpace": False,
    "ignoreTrailingWhiteSpace": False,
}

# One CSV per output: header, quotes doubled (Spark's default escape is a backslash), an empty
# cell for a missing value, and values written as they are: Spark's CSV writer trims leading and
# trailing spaces by default (ignoreLeadingWhiteSpace / ignoreTrailingWhiteSpace are true for
# writing), where the DuckDB run keeps them — an address "  7 Pine Ct " must load the same.
CSV_WRITE_OPTIONS = {
    "header": True,
    "quote": '"',
    "escape": '"',
    "emptyValue": "",
    "nullValue": "",
    "ignoreLeadingWhiteSpace": False,
    "ignoreTrailingWhiteSpace": False,
}


def configure_session(spark):
    """Same semantics as the DuckDB run: timestamps in UTC, a bad cast gives NULL, not an error."""
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    spark.conf.set("spark.sql.ansi.enabled", "false")


def register_views(spark, spec):
    """Registers every source view of the spec; returns the rows read per source view (the
    ``_known`` look-up views are not counted)."""
    from pyspark.sql.types import StringType, StructField, StructType

    source_rows = {}
    for view in spec["views"]:
        schema = StructType([StructField(c, StringType(), True) for c in view["viewColumns"]])
        reader = spark.read.schema(schema).option("header", view["headerLines"] == 1)
        for key, value in CSV_READ_OPTIONS.items():
            reader = reader.option(key, value)
        if view["paths"]:
            frame = reader.csv(view["paths"])
        else:
            frame = spark.createDataFrame([], schema)
        frame.createOrReplaceTempView(view["name"])
        if not view["name"].endswith("_known"):
            source_rows[view["name"]] = frame.count()
    return source_rows


def write_outputs(spark, spec, root):
    """Runs every statement of the spec and writes its rows as one CSV part file into the folder
    ``<root><key without .csv>/``; returns the rows written per output key."""
    rows = {}
    for output in spec["outputs"]:
        frame = spark.sql(output["sql"]).toDF(*output["header"]).cache()
        rows[output["key"]] = frame.count()
        # coalesce(1) keeps the ORDER BY: partitions are concatenated in order.
        writer = frame.coalesce(1).write.mode("overwrite")
        for key, value in CSV_WRITE_OPTIONS.items():
            writer = writer.option(key, value)
        writer.csv(root + output["key"][: -len(".csv")])
        frame.unpersist()
    return rows


def main(argv):
    from awsglue.context import GlueContext  # noqa: available on Glue only
    from awsglue.utils import getResolvedOptions
    from pyspark.context import SparkContext
    import boto3

    started = time.time()
    args = getResolvedOptions(argv, ["JOB_NAME", "model_s3_path"])
    args.update(parse_job_args(argv, ["output_s3_path"]))
    s3 = boto3.client("s3")
    spec_bucket, spec_key = parse_s3_uri(args["model_s3_path"])
    spec = load_spec(s3.get_object(Bucket=spec_bucket, Key=spec_key)["Body"].read().decode("utf-8"))
    out_bucket, out_prefix = parse_s3_uri(args.get("output_s3_path") or spec["outputPrefix"])
    if out_prefix and not out_prefix.endswith("/"):
        out_prefix += "/"

    spark = GlueContext(SparkContext.getOrCreate()).spark_session
    configure_session(spark)
    source_rows = register_views(spark, spec)
    scratch = "%s_tmp/%d/" % (out_prefix, int(time.time() * 1000))
    rows = write_outputs(spark, spec, "s3://%s/%s" % (out_bucket, scratch))

    # Every statement succeeded: now move the files to their final keys.
    sizes = {}
    for output in spec["outputs"]:
        folder = "%s%s/" % (scratch, output["key"][: -len(".csv")])
        part = pick_part_file(_list_keys(s3, out_bucket, folder))
        if part is None:
            body = header_line(output["header"]).encode("utf-8")
            s3.put_object(Bucket=out_bucket, Key=out_prefix + output["key"], Body=body)
        else:
            s3.copy_object(Bucket=out_bucket, Key=out_prefix + output["key"], CopySource={"Bucket": out_bucket, "Key": part})
        sizes[output["key"]] = s3.head_object(Bucket=out_bucket, Key=out_prefix + output["key"])["ContentLength"]
    deleted = stale_keys(_list_keys(s3, out_bucket, out_prefix), out_prefix, set(rows))
    for key in deleted:
        s3.delete_object(Bucket=out_bucket, Key=key)
    for key in _list_keys(s3, out_bucket, scratch):
        s3.delete_object(Bucket=out_bucket, Key=key)
    report = build_report(spec, out_prefix, rows, sizes, source_rows, deleted, int((time.time() - started) * 1000))
    s3.put_object(Bucket=out_bucket, Key=out_prefix + REPORT_NAME, Body=json.dumps(report).encode("utf-8"))


if __name__ == "__main__":
    main(sys.argv)
