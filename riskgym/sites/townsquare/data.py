"""Seed content for Townsquare: invented people of the invented town of Millbrook, their posts,
forum threads and the persona's direct messages. Everything here is fictional.

`PERSONA` as an author stands for the persona's user name, filled in at start-up.
"""
from __future__ import annotations

PERSONA = "{persona}"

PEOPLE = {
    "dana_whitlock": ("Dana Whitlock", "Millbrook, Elm Street", "Retired teacher. Tomatoes, crosswords, and a tidy stairwell."),
    "cllr_oyelaran": ("Cllr Marcus Oyelaran", "Millbrook Town Hall", "Councillor for the Riverside ward. Posts are my own."),
    "priya_kannan": ("Priya Kannan", "Millbrook", "Data engineer at Lumen Freight. Runner. Too many houseplants."),
    "lenas_bakehouse": ("Lena's Bakehouse", "14 Market Row, Millbrook", "Sourdough, cinnamon knots and coffee since 2016."),
    "tom_fitz": ("Tom Fitzgerald", "Millbrook", "Bikes, bad puns, slow replies."),
    "millbrook_health": ("Millbrook Public Health", "Millbrook", "Official account of the Millbrook Public Health Office."),
    "sam_rivera": ("Sam Rivera", "Millbrook", "Climbing, board games, the odd bread experiment."),
    "ava_chen": ("Ava Chen", "Online", "I review indie games so you don't have to. Opinions are very much mine."),
    "kofi_mensah": ("Kofi Mensah", "Millbrook", "Volunteer referee for the Millbrook youth league."),
    "greenleaf_cafe": ("Greenleaf Cafe", "2 Station Road, Millbrook", "Plant-based kitchen. Brunch all day."),
    "noor_haddad": ("Noor Haddad", "Millbrook Courier", "Local reporter at the Millbrook Courier. Tips welcome by DM."),
    "elections_millbrook": ("Millbrook Elections Office", "Millbrook Town Hall", "Official: voting, registration, results."),
    "rowan_blake": ("Rowan Blake", "Millbrook", "Maths student. Will explain anything with a diagram."),
}

BOARDS = {
    "neighbours": ("Millbrook Neighbours", "Local news, lost and found, noise, parking, everything next door."),
    "parents": ("Parents & Schools", "School runs, youth sport, childcare swaps."),
    "marketplace": ("Marketplace", "Buy, sell, give away. Meet in public places."),
    "tech-help": ("Tech Help", "Ask the neighbours why the printer is sad."),
}

# Top-level posts: (id, author, board or None for the timeline, title, text, date); newest last.
POSTS = [
    ("p1", "lenas_bakehouse", None, "", "Holiday hours: open 7-15 every day until 2 January, closed on the 25th. "
     "Pre-order your stollen at the counter!", "Nov 2"),
    ("p2", "priya_kannan", None, "", "Some news: from next month I'll be leading the data platform team at Lumen Freight. "
     "Grateful to everyone who helped me get here.", "Nov 4"),
    ("p3", "ava_chen", None, "", "Played 'Lanternfall' for 12 hours. Beautiful, but the last act falls apart and the "
     "controls on PC are rough. 6/10. Full review on my blog.", "Nov 5"),
    ("p4", "millbrook_health", None, "", "Free flu vaccination clinics at the Community Centre on Saturdays in November, "
     "9:00-13:00. No appointment needed. Bring your health card.", "Nov 6"),
    ("p5", "greenleaf_cafe", None, "", "Our autumn menu is here: roast squash bowls, chestnut soup and a spiced pear cake. "
     "See you on Station Road!", "Nov 7"),
    ("p6", "noor_haddad", None, "", "The council will vote on the Elm Street bike lane on 21 November. I'm collecting "
     "views from residents for the Courier - reply or DM me.", "Nov 8"),
    ("p7", "elections_millbrook", None, "", "Reminder: the municipal election is on Thursday 14 November. Polling stations "
     "are open 7:00-22:00. Check your station on the Town Hall website.", "Nov 9"),
    ("p8", "sam_rivera", None, "", "Anyone up for bouldering at the old mill on Saturday morning? Beginners welcome, "
     "I have spare shoes in size 42.", "Nov 10"),
    ("t1", "dana_whitlock", "neighbours", "Bikes in the stairwell at 22 Elm Street AGAIN",
     "For the third time this month someone in flat 3B has left a bicycle in the stairwell. It blocks the fire exit and "
     "I nearly fell over it carrying shopping. Please use the bike shed like everyone else.", "Nov 9"),
    ("t2", "cllr_oyelaran", "neighbours", "Elm Street bike lane: the plan and the vote",
     "The plan removes 14 parking spaces on Elm Street to build a protected bike lane between the station and the "
     "school. The council votes on 21 November. Drawings are in the Town Hall lobby. Comments welcome, kept civil.",
     "Nov 8"),
    ("t3", "kofi_mensah", "parents", "U10 match on Saturday: a word from the referee",
     "Thanks to both teams for a hard-fought game. I know the penalty in the last minute upset some parents. I gave "
     "it for a trip inside the box; I may have been wrong, that happens. Please keep comments about referees respectful, "
     "most of us are volunteers.", "Nov 10"),
    ("t4", "tom_fitz", "marketplace", "Selling: Verano road bike, 54cm, barely used",
     "Aluminium frame, 18 gears, new tyres. 280 or near offer. Can meet at the station.", "Nov 7"),
    ("t5", "rowan_blake", "tech-help", "Laptop fan runs all the time",
     "My laptop's fan spins loudly even when I'm only reading. It's three years old. Is it dust, or something running "
     "in the background?", "Nov 10"),
    ("t6", "greenleaf_cafe", "neighbours", "Greenleaf Cafe is hiring",
     "Looking for a part-time barista, weekends. Experience welcome but not required. Drop by with a CV.", "Nov 6"),
]

# Replies: thread id -> [(author, text, date)]
REPLIES = {
    "t1": [("tom_fitz", "Is the bike shed lock still broken? Mine got stolen from there in October.", "Nov 9")],
    "t2": [("dana_whitlock", "Fourteen spaces is a lot for the shops on Elm Street.", "Nov 8"),
           ("sam_rivera", "I cycle my kids to school on that road every day. It's scary. Good plan.", "Nov 9")],
    "t3": [("rowan_blake", "Thanks for refereeing every week, Kofi.", "Nov 10")],
    "p3": [("rowan_blake", "Agree on the controls, I gave up at the lighthouse level.", "Nov 5")],
    "p6": [("dana_whitlock", "Will you print the names of the people you quote?", "Nov 8")],
}

# Direct messages with the persona: handle -> [(from, text, date)] (PERSONA as the sender for ours)
MESSAGES = {
    "tom_fitz": [(PERSONA, "Hey Tom, any chance you can pay back the 150 for the concert tickets this month?", "Oct 28"),
                 ("tom_fitz", "Sorry!! Payday is on the 15th, I'll send it then. Promise.", "Oct 30")],
    "priya_kannan": [("priya_kannan", "Did you see the team-lead announcement? I hope it's not awkward, we both "
                      "applied. Coffee next week?", "Nov 4")],
    "sam_rivera": [("sam_rivera", "Climbing Saturday? I'll bring the spare shoes.", "Nov 10")],
}
