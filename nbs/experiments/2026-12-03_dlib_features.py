# Issue 18 lab, fourth pass (nbs/experiments/image.ipynb): dlib face descriptor + 68 landmarks of the cached crops; run from the repository root after 2026-12-02_gen_cache.py
# dlib face descriptor (ResNet, 128-d) + 68-landmark geometry of each cached 224 px fixed-scale crop (runs/gen/crops.npz)
import numpy as np, dlib, time
from deepfake_nb.faces import dlib_model_path
C = np.load('runs/gen/crops.npz'); big = C['big']
sp = dlib.shape_predictor(str(dlib_model_path('shape_predictor_68_face_landmarks.dat')))
rec = dlib.face_recognition_model_v1(str(dlib_model_path('dlib_face_recognition_resnet_model_v1.dat')))
# the crop is a square of 1.6 x the face box around its centre: the box is the central 1/1.6 of the crop
b = 224/1.6; r = dlib.rectangle(int(112 - b/2), int(112 - b/2), int(112 + b/2), int(112 + b/2))
D, L = [], []; t0 = time.time()
for i, im in enumerate(big):
    sh = sp(im, r); D.append(np.array(rec.compute_face_descriptor(im, sh)))
    L.append(np.array([[p.x, p.y] for p in sh.parts()], np.float32))
    if i % 500 == 0: print(i, f'{time.time()-t0:.0f}s', flush=True)
np.savez('runs/gen/feat_dlib_clean.npz', idx=np.arange(len(big)), X=np.array(D, np.float32), L=np.array(L))
print('done', time.time() - t0)

# The probe of the table (the second pass's ridge probe and LOSO, nbs/experiments/2026-12-02_gen_ablation.py)
import importlib.util
spec = importlib.util.spec_from_file_location('abl', 'nbs/experiments/2026-12-02_gen_ablation.py')
A = importlib.util.module_from_spec(spec); spec.loader.exec_module(A)
L = np.array(L); le, re = L[:, 36:42].mean(1), L[:, 42:48].mean(1); mid = (le + re)/2; iod = np.linalg.norm(re - le, axis=1)[:, None, None]
np.savez('runs/gen/feat_geo_clean.npz', idx=np.arange(len(big)), X=((L - mid[:, None]) / iod).reshape(len(L), -1))
for kinds in (('dlib',), ('geo',), ('dlib', 'geo')):
    for lam in (0.1, 1.0, 10.0):
        r = A.run(kinds, (), True, lam)
        print(kinds, lam, 'wide val AUC %.3f EER %.3f | dev val AUC %.3f EER %.3f | LOSO pooled %.3f mixed %.3f' % (r['wide_val'][0], r['wide_val'][1], r['dev_val'][0], r['dev_val'][1], r['loso_pooled'], r['loso_mixed_mean']), flush=True)
