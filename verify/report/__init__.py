"""The report face: LaTeX derivations, figures and the PDF."""
