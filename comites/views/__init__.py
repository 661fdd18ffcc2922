"""Pages of the committees, by subject: `comites` (lists and pages of the committees), `reunions`
(a meeting's schedule and page), `seances` (what a meeting records: agenda, attendance, minutes,
decisions, amendments), `calendrier` (month calendar, .ics files and feeds), `rythme`, `reponses`
(the members' answer to a convocation) and `bilans` (the annual review).

Every object is fetched through `visibles_par(user)` (outside it: 404); every change checks
`geres_par(user)` (outside it: 403) and goes through `services` (see `acces`).
"""
