"""ccnet: the network scripts' netplan model, address checks and demo links.

Used by ../netplan.py (the command line the bash scripts call); split by concern:
  model   reading netplan YAML and link data, what a stanza says (mode, address, roles),
          the show result, the new stanza, which interfaces a change touches
  checks  the rules a requested change must follow (Refused(field, error))
  demo    the demo appliance's link data, made from the YAML
"""
