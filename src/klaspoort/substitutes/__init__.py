"""Substitute teachers (C14): every group's substitute slot, activated for 1, 2 or 5 school days.

    days          school days: `last_school_day(first, count)`, `is_school_day(day)`
    models        `Substitution`: one use of a group's slot, kept as history (who, when, which days,
                  ended how)
    actions       `do_activate_substitute`, `do_end_substitute`; `end_finished_substitutions` (the job)
    ending        `cut_off`: the ended substitute's sessions, SSO grants and back-channel logout

Access itself is decided at query time by the roster rules (`roster.rules.within_days_q`): the
substitute's placement and group membership carry the first and last day, so the substitute sees
the group from the morning of the first day to the end of the last day, and nothing is needed at
midnight. The job (`jobs.tasks.end_substitutions`) tidies up after the end: it marks the
substitution ended, removes the membership and ends what lives outside the database queries
(sessions, OpenID Connect grants, partners' sessions through back-channel logout).
"""
