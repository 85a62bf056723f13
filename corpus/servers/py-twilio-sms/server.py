"""Send SMS and check delivery through the user's own Twilio account."""

import os

from mcp.server.fastmcp import FastMCP
from twilio.rest import Client

mcp = FastMCP("twilio-sms")

client = Client(os.environ["TWILIO_ACCOUNT_SID"], os.environ["TWILIO_AUTH_TOKEN"])
FROM = os.environ["TWILIO_FROM_NUMBER"]
# The user may route all test traffic to their own phone.
TEST_NUMBER = os.environ.get("TWILIO_TEST_NUMBER")


@mcp.tool()
def send_sms(to: str, body: str) -> str:
    """Send a text message to a phone number from the account's number."""
    msg = client.messages.create(to=TEST_NUMBER or to, from_=FROM, body=body)
    return msg.sid


@mcp.tool()
def message_status(sid: str) -> str:
    """Delivery status of a message sent earlier."""
    return client.messages(sid).fetch().status


if __name__ == "__main__":
    mcp.run()
