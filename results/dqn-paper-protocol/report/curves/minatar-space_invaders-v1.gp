set terminal pngcairo size 960,600 enhanced font 'sans,11'
set output "minatar-space_invaders-v1.png"
set title "SpaceInvaders" noenhanced
set xlabel "environment steps"
set ylabel "evaluation return"
set grid
set key top left noenhanced
set style fill transparent solid 0.2 noborder
plot "minatar-space_invaders-v1.dat" index 0 using 1:3:4 with filledcurves lc rgb '#0072B2' notitle, \
     "minatar-space_invaders-v1.dat" index 0 using 1:2 with linespoints lw 2 pt 7 ps 0.4 lc rgb '#0072B2' title "DQN (3 runs)"
