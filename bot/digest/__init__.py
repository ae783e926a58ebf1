"""The daily digest: channel subscriptions, content, scheduling and exactly-once delivery."""
