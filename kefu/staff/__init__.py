"""Staff records: duty rosters, swaps, leave and trips, 补卡, hand-overs, archive loans and the
rewards-and-penalties ledger, checked by the rules of records/staff-rules.yml.

The record kinds themselves are modules of kefu.kinds (roster, swap, leave, trip, punch,
handover, loan, sanction, staff_rules); this package holds what they share: the terms and their
Chinese labels (terms), the rules file read into numbers (rules), the effective roster of a week
(roster), the checks across records (checks), the monthly summary (summary), the calendar
feeds (feeds), the site pages (pages) and the printed forms (forms).
"""
