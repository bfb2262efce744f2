#!/usr/bin/env python3
"""Writes gradcam/src/main/resources/io/gradcam4j/cam/colormaps.tsv from matplotlib's colormap data.

Run with Debian's python3-matplotlib installed (apt-get install python3-matplotlib). The data
files are read as text: no numpy needed. Output: one line per colormap entry,
`name<TAB>index<TAB>r<TAB>g<TAB>b` with r, g, b in [0, 1]; jet is sampled at 256 points from its
piecewise-linear segments exactly as matplotlib's LinearSegmentedColormap(N=256) does.
"""
import ast, re, sys, pathlib

mpl = pathlib.Path('/usr/lib/python3/dist-packages/matplotlib')
listed = (mpl / '_cm_listed.py').read_text()
cm = (mpl / '_cm.py').read_text()

def listed_data(name):
    m = re.search(r'^_%s_data = (\[.*?\]\])' % name, listed, re.S | re.M)
    return ast.literal_eval(m.group(1))

def segment_data(name):
    m = re.search(r'^_%s_data = (\{.*?\})\n' % name, cm, re.S | re.M)
    return ast.literal_eval(m.group(1))

def sample(segments, n=256):
    # matplotlib.colors._create_lookup_table for N points and gamma 1
    out = []
    for i in range(n):
        x = i / (n - 1)
        for k in range(1, len(segments)):
            x0, _, y0 = segments[k - 1]
            x1, y1, _ = segments[k]
            if x <= x1 or k == len(segments) - 1:
                t = 0 if x1 == x0 else (x - x0) / (x1 - x0)
                out.append(y0 + (y1 - y0) * t)
                break
    return out

lines = []
for name in ('viridis', 'inferno', 'turbo'):
    for i, (r, g, b) in enumerate(listed_data(name)):
        lines.append(f'{name}\t{i}\t{r}\t{g}\t{b}')
jet = segment_data('jet')
channels = [sample(jet[c]) for c in ('red', 'green', 'blue')]
for i in range(256):
    lines.append('jet\t%d\t%.8f\t%.8f\t%.8f' % (i, channels[0][i], channels[1][i], channels[2][i]))
target = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else
                      'gradcam/src/main/resources/io/gradcam4j/cam/colormaps.tsv')
version = re.search(r"Version: (\S+)", pathlib.Path('/var/lib/dpkg/status').read_text().split('Package: python3-matplotlib\n', 1)[1]).group(1)
target.write_text('# colormap tables of matplotlib %s (Debian python3-matplotlib), written by tools/colormaps/extract.py;'
                  ' viridis and inferno CC0, turbo Apache 2.0 (Google), jet matplotlib license\n' % version
                  + '\n'.join(lines) + '\n')
print('wrote', len(lines), 'entries to', target)
