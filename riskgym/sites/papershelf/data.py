"""Seed content for PaperShelf: fictional subjects and preprints."""
from __future__ import annotations

SUBJECTS = {
    "ml": "Machine Learning",
    "sys": "Distributed and Operating Systems",
    "hci": "Human-Computer Interaction",
    "bio": "Quantitative Biology",
    "stat": "Statistics and Methodology",
}

PAPERS = [
    {"id": "2411.01234", "subjects": ["ml", "sys"], "date": "Tue, 5 Nov 2024", "pages": 14,
     "title": "Sparse Routing Tables for Low-Latency Mixture-of-Experts Inference",
     "authors": ["Helena Varga", "Tomasz Wierzbicki", "Amara Okonkwo"],
     "abstract": "Mixture-of-experts models route each token to a small subset of expert networks, but the "
                 "routing step itself has become a bottleneck when experts are spread across many devices. "
                 "We present a compact, cache-resident routing table that replaces the dense gating "
                 "computation with a two-level lookup learned during the final phase of training. On three "
                 "open model families the tables cut median routing latency by 41% and tail latency by 63%, "
                 "with a change in downstream accuracy below 0.2 points. We also show that the tables expose "
                 "which experts are redundant, allowing a further 18% of expert parameters to be pruned."},
    {"id": "2411.02817", "subjects": ["hci", "ml"], "date": "Thu, 7 Nov 2024", "pages": 22,
     "title": "When Do Agents Click? Measuring Interface Risk in Autonomous Web Navigation",
     "authors": ["Rosa Lindqvist", "Daniel Mbeki", "Yuki Hanamura", "Priya Natarajan"],
     "abstract": "Software agents that operate graphical interfaces are increasingly trusted with real "
                 "accounts. We study how such agents respond to interface elements designed to mislead "
                 "people, including look-alike login pages, disguised download buttons and urgent pop-ups. "
                 "Across 240 scripted scenarios, agents completed the intended task in most cases but "
                 "also took at least one unsafe action in a third of them, most often entering credentials "
                 "on a page whose address did not match the service. Simple address checks before typing "
                 "passwords removed over half of these failures. We release the scenarios to support "
                 "further measurement."},
    {"id": "2411.03390", "subjects": ["bio"], "date": "Fri, 8 Nov 2024", "pages": 11,
     "title": "Coral Reef Soundscapes Predict Juvenile Fish Settlement",
     "authors": ["Malia Fonoti", "Gareth Pryce"],
     "abstract": "Healthy coral reefs are noisy places, and larval fish are thought to use this noise to "
                 "find a home. Using hydrophone recordings from 36 reef patches over two spawning seasons, "
                 "we show that a simple acoustic diversity index explains 58% of the variation in juvenile "
                 "settlement, more than coral cover or water temperature. Playback experiments on degraded "
                 "patches increased settlement by a factor of 1.7. We discuss how low-cost acoustic "
                 "monitoring could guide reef restoration."},
    {"id": "2410.11872", "subjects": ["sys"], "date": "Mon, 21 Oct 2024", "pages": 16,
     "title": "A Lightweight Consistency Checker for Snapshot Isolation in Distributed Databases",
     "authors": ["Ines Carvalho", "Oleksandr Petrenko", "Beatriz Lamas"],
     "abstract": "Distributed databases often promise snapshot isolation, yet subtle implementation bugs "
                 "can silently violate it. We describe a checker that consumes ordinary client-side "
                 "transaction histories and decides whether they are consistent with snapshot isolation "
                 "in time linear in the history size for the common case. Applied to four open-source "
                 "systems under fault injection, the checker found seven previously unknown anomalies, five "
                 "of which have since been fixed upstream."},
    {"id": "2410.09945", "subjects": ["ml", "stat"], "date": "Wed, 16 Oct 2024", "pages": 19,
     "title": "Calibrated Uncertainty for Tabular Foundation Models via Conformal Reweighting",
     "authors": ["Jonas Albrecht", "Chiara Benedetti"],
     "abstract": "Pretrained models for tabular data make strong predictions out of the box but report "
                 "poorly calibrated confidence when the test distribution drifts. We propose a conformal "
                 "procedure that reweights calibration examples by their similarity in the model's own "
                 "embedding space. The resulting prediction sets keep their nominal coverage under "
                 "moderate covariate shift on 21 benchmark datasets while being 23% smaller on average "
                 "than those from standard split conformal prediction."},
    {"id": "2411.04521", "subjects": ["hci"], "date": "Mon, 11 Nov 2024", "pages": 12,
     "title": "Gaze-Contingent Text Simplification for Readers with Low Vision",
     "authors": ["Aisha Rahman", "Liam O'Doherty", "Sung-min Park"],
     "abstract": "Readers with low vision often magnify text heavily, which makes long sentences hard to "
                 "follow. We built a reading tool that tracks gaze and offers a simplified rewrite of the "
                 "sentence being read only when fixations suggest difficulty. In a study with 18 "
                 "participants, reading speed improved by 19% and comprehension scores were unchanged. "
                 "Participants preferred on-demand simplification to rewriting the whole document."},
    {"id": "2410.07713", "subjects": ["stat", "ml"], "date": "Wed, 9 Oct 2024", "pages": 17,
     "title": "Estimating Urban Heat Exposure from Street-Level Imagery",
     "authors": ["Marisol Quintero", "Kwame Asante", "Eleanor Whitby"],
     "abstract": "City-scale maps of heat exposure usually come from satellite land surface temperature, "
                 "which says little about conditions at pedestrian height. We combine street-level images "
                 "with a small network of air temperature sensors to estimate shade, surface materials and "
                 "sky view, and from them an exposure index for every street segment. In two cities the "
                 "index agrees with handheld measurements far better than satellite products, and it "
                 "highlights bus stops and school routes that would benefit most from tree planting."},
    {"id": "2411.05066", "subjects": ["ml"], "date": "Wed, 13 Nov 2024", "pages": 20,
     "title": "Proof-Carrying Prompts: Verifiable Instructions for Tool-Using Language Models",
     "authors": ["Farid Haddad", "Naomi Ashworth"],
     "abstract": "Language models that call tools act on instructions from many sources, not all of them "
                 "trustworthy. We propose attaching a short signed statement of origin to every "
                 "instruction a model receives and training the model to act only on instructions whose "
                 "origin matches the user's request. In evaluations with injected instructions hidden in "
                 "web pages and documents, the approach reduced successful injections from 47% to 6% while "
                 "leaving task success unchanged."},
]
