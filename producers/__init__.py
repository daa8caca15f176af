"""The platform's list of known AI content producers (R08): allowed or denied, by TC260 code,
Unified Social Credit Code or name. The label engine looks producers up in it (labels.producers);
moderators see the provider's name; a denied producer is a finding."""
