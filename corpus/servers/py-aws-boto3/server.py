"""aws-explorer MCP server: read-only S3, EC2 and CloudWatch Logs via boto3 and local profiles."""

import configparser
import os
from pathlib import Path

import boto3
from mcp.server.fastmcp import FastMCP

mcp = FastMCP("aws-explorer")
AWS_CONFIG = Path(os.environ.get("AWS_CONFIG_FILE", Path.home() / ".aws" / "config"))


def _session(profile: str = "", region: str = "") -> boto3.Session:
    return boto3.Session(
        profile_name=profile or os.environ.get("AWS_PROFILE") or None,
        region_name=region or None,
    )


@mcp.tool()
def list_profiles() -> list[dict[str, str]]:
    """List the AWS profiles configured in ~/.aws/config with their default regions."""
    parser = configparser.ConfigParser()
    parser.read(AWS_CONFIG)
    out = []
    for section in parser.sections():
        name = section.removeprefix("profile ").strip()
        out.append({"profile": name, "region": parser[section].get("region", "")})
    return out


@mcp.tool()
def whoami(profile: str = "") -> dict[str, str]:
    """Show the account and ARN that a profile resolves to (STS GetCallerIdentity)."""
    ident = _session(profile).client("sts").get_caller_identity()
    return {"account": ident["Account"], "arn": ident["Arn"]}


@mcp.tool()
def list_s3_objects(bucket: str, prefix: str = "", profile: str = "", limit: int = 100) -> list[dict]:
    """List objects in an S3 bucket under a prefix."""
    s3 = _session(profile).client("s3")
    resp = s3.list_objects_v2(Bucket=bucket, Prefix=prefix, MaxKeys=limit)
    return [{"key": o["Key"], "size": o["Size"]} for o in resp.get("Contents", [])]


@mcp.tool()
def list_ec2_instances(region: str, profile: str = "") -> list[dict]:
    """List EC2 instances in a region with their state and type."""
    ec2 = _session(profile, region).client("ec2")
    out = []
    for page in ec2.get_paginator("describe_instances").paginate():
        for res in page["Reservations"]:
            for i in res["Instances"]:
                name = next((t["Value"] for t in i.get("Tags", []) if t["Key"] == "Name"), "")
                out.append({"id": i["InstanceId"], "name": name, "type": i["InstanceType"], "state": i["State"]["Name"]})
    return out


@mcp.tool()
def tail_log_group(log_group: str, region: str, profile: str = "", limit: int = 50) -> list[str]:
    """Return the most recent events of a CloudWatch Logs group."""
    logs = _session(profile, region).client("logs")
    resp = logs.filter_log_events(logGroupName=log_group, limit=limit)
    return [e["message"].rstrip() for e in resp["events"]]


if __name__ == "__main__":
    mcp.run()
