def make_figures(outdir):
    return []
