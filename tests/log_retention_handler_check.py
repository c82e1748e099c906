"""Runs the Custom::LogRetention handler (the function's inline source, written by the
test to argv[1]) against a stand-in CloudWatch Logs client and a stand-in cfnresponse,
and checks what it calls and what it answers CloudFormation. Prints one line per case;
exits 1 on the first broken expectation. Needs no AWS SDK: boto3 and cfnresponse are
replaced here, as is time.sleep (retries cost no time)."""
import importlib.util
import json
import sys
import types


class ClientError(Exception):
    def __init__(self, code):
        super().__init__("An error occurred (%s)" % code)
        self.response = {"Error": {"Code": code, "Message": code}}


class FakeLogs:
    """CloudWatch Logs: `existing` groups exist; `failures` maps an operation to the error
    codes its next calls raise, in order."""

    def __init__(self, existing=(), failures=None):
        self.groups = {name: None for name in existing}
        self.failures = {k: list(v) for k, v in (failures or {}).items()}
        self.calls = []

    def _fail(self, op):
        queue = self.failures.get(op, [])
        if queue:
            raise ClientError(queue.pop(0))

    def create_log_group(self, logGroupName):
        self.calls.append(("CreateLogGroup", logGroupName))
        self._fail("CreateLogGroup")
        if logGroupName in self.groups:
            raise ClientError("ResourceAlreadyExistsException")
        self.groups[logGroupName] = None

    def put_retention_policy(self, logGroupName, retentionInDays):
        self.calls.append(("PutRetentionPolicy", logGroupName, retentionInDays))
        self._fail("PutRetentionPolicy")
        if logGroupName not in self.groups:
            raise ClientError("ResourceNotFoundException")
        self.groups[logGroupName] = retentionInDays


class Answers(list):
    """What the handler sent CloudFormation, and (.configs) the SDK configs it asked for."""


def load(path, fake):
    """The handler module with boto3 and cfnresponse (the module CloudFormation provides
    to inline code) replaced; returns it and the list of answers it sends."""
    answers = Answers()
    boto3 = types.ModuleType("boto3")
    configs = []

    def client(service, config=None):
        configs.append(config)
        return fake if service == "logs" else None

    boto3.client = client
    botocore, botocore_config = types.ModuleType("botocore"), types.ModuleType("botocore.config")
    botocore_config.Config = lambda **kw: kw
    botocore.config = botocore_config
    cfnresponse = types.ModuleType("cfnresponse")
    cfnresponse.SUCCESS, cfnresponse.FAILED = "SUCCESS", "FAILED"

    def send(event, context, status, data, physical=None, noEcho=False, reason=None):
        answers.append({"event": event, "status": status, "data": data, "physical": physical, "reason": reason})

    cfnresponse.send = send
    sys.modules.update({"boto3": boto3, "botocore": botocore, "botocore.config": botocore_config,
                        "cfnresponse": cfnresponse})
    spec = importlib.util.spec_from_file_location("index", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.time.sleep = lambda seconds: None
    answers.configs = configs
    return module, answers


class Context:
    """The Lambda context: only the time left matters to the handler."""

    def __init__(self, remaining_ms=300000):
        self.remaining_ms = remaining_ms

    def get_remaining_time_in_millis(self):
        return self.remaining_ms


def event(kind, names, days="14", physical=None):
    e = {"RequestType": kind, "ResponseURL": "https://cfn-response.example/signed?x=1",
         "StackId": "arn:aws:cloudformation:eu-west-3:111111111111:stack/orders-api-dev/guid",
         "RequestId": "0123456789abcdef", "LogicalResourceId": "DbLogRetention",
         "ResourceProperties": {"ServiceToken": "arn:fn", "LogGroupNames": names, "RetentionInDays": days}}
    if physical:
        e["PhysicalResourceId"] = physical
    return e


def expect(case, condition, detail):
    if not condition:
        print("FAIL %s: %s" % (case, detail))
        sys.exit(1)


def main(path):
    pg, upgrade = "/aws/rds/instance/db-1/postgresql", "/aws/rds/instance/db-1/upgrade"

    # The service already created one group (the usual case): no error, both get retention.
    fake = FakeLogs(existing=[pg])
    handler, answers = load(path, fake)
    handler.handler(event("Create", [pg, upgrade]), Context())
    expect("existing", fake.groups == {pg: 14, upgrade: 14}, fake.groups)
    expect("existing", len(answers) == 1 and answers[0]["status"] == "SUCCESS", answers)
    expect("existing", answers[0]["physical"] == "DbLogRetention-01234567", answers[0])
    expect("existing", fake.calls[0] == ("CreateLogGroup", pg) and fake.calls[1] == ("PutRetentionPolicy", pg, 14), fake.calls)
    # The SDK's own retries are bounded too (standard mode, 3 attempts).
    expect("sdk retries", answers.configs == [{"retries": {"mode": "standard", "max_attempts": 3}}], answers.configs)
    print("ok existing group kept, retention set on both")

    # A conflicting operation (the service creating the group right now), then throttling: retried.
    fake = FakeLogs(failures={"CreateLogGroup": ["OperationAbortedException"],
                              "PutRetentionPolicy": ["ThrottlingException", "AccessDeniedException"]})
    handler, answers = load(path, fake)
    handler.handler(event("Create", [pg], days="7"), Context())
    expect("retried", fake.groups == {pg: 7} and answers[0]["status"] == "SUCCESS", (fake.groups, answers))
    print("ok transient errors retried")

    # Update: a new retention and a new name, same physical ID (no replacement).
    fake = FakeLogs(existing=[pg])
    handler, answers = load(path, fake)
    handler.handler(event("Update", [pg, upgrade], days="90", physical="DbLogRetention-feedbeef"), Context())
    expect("update", fake.groups == {pg: 90, upgrade: 90}, fake.groups)
    expect("update", answers[0]["physical"] == "DbLogRetention-feedbeef", answers[0])
    print("ok update keeps the physical ID")

    # Delete: nothing is called; the groups stay with their retention.
    fake = FakeLogs(existing=[pg])
    handler, answers = load(path, fake)
    handler.handler(event("Delete", [pg], physical="DbLogRetention-feedbeef"), Context())
    expect("delete", fake.calls == [] and answers[0]["status"] == "SUCCESS", (fake.calls, answers))
    print("ok delete touches nothing")

    # A lasting failure is answered FAILED with the reason, never left unanswered.
    fake = FakeLogs(failures={"PutRetentionPolicy": ["InvalidParameterException"]})
    handler, answers = load(path, fake)
    handler.handler(event("Create", [pg], days="8"), Context())
    a = answers[0]
    expect("failure", a["status"] == "FAILED" and "InvalidParameterException" in a["reason"], a)
    fake = FakeLogs(failures={"PutRetentionPolicy": ["AccessDeniedException"] * 8})
    handler, answers = load(path, fake)
    handler.handler(event("Create", [pg]), Context())
    expect("denied", answers[0]["status"] == "FAILED" and len(fake.calls) == 9, (fake.calls, answers))
    handler, answers = load(path, FakeLogs())
    handler.handler(event("Create", [pg], days="not-a-number"), Context())
    expect("bad input", answers[0]["status"] == "FAILED", answers)
    # With under 30 seconds left, a throttled call is not retried: the answer, FAILED,
    # still reaches CloudFormation before the function times out.
    fake = FakeLogs(failures={"CreateLogGroup": ["ThrottlingException"]})
    handler, answers = load(path, fake)
    handler.handler(event("Create", [pg]), Context(remaining_ms=25000))
    expect("deadline", answers[0]["status"] == "FAILED" and len(fake.calls) == 1, (fake.calls, answers))
    print("ok failures answered FAILED with the reason")


if __name__ == "__main__":
    main(sys.argv[1])
