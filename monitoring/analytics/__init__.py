"""Call analytics (automatic QA, DESIGN.md §9): audio measures per channel (`audio`) and
transcript phrase rules (`rules`), pure and offline; models, the analysis task and pages build
on them."""
